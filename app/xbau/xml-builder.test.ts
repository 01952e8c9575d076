import { describe, expect, it } from "vitest";
import { el, escapeAttr, escapeText, toXml, XmlBuildError } from "./xml-builder";

describe("xml-builder", () => {
  it("escapes text and attribute values", () => {
    expect(escapeText(`a & b < c > d "e" 'f'`)).toBe(`a &amp; b &lt; c &gt; d "e" 'f'`);
    expect(escapeAttr(`a & "b" <c>\n\t`)).toBe("a &amp; &quot;b&quot; &lt;c&gt;&#10;&#9;");
  });

  it("serialises nested elements, skips null/undefined/false and keeps empty string text out", () => {
    const xml = toXml(
      el("x:root", { "xmlns:x": "urn:x", a: "1", skip: undefined }, el("child", null, "Ä & Ö"), null, false, [
        el("leaf", { n: 2 }),
      ]),
    );
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<x:root xmlns:x="urn:x" a="1">\n  <child>Ä &amp; Ö</child>\n  <leaf n="2"/>\n</x:root>\n',
    );
  });

  it("refuses characters XML cannot carry, bad names, boolean children and mixed content", () => {
    expect(() => toXml(el("a", null, "bell\u0007"))).toThrow(XmlBuildError);
    expect(() => toXml(el("a", { b: "\uFFFF" }))).toThrow(/U\+FFFF/);
    expect(() => el("1abc")).toThrow(XmlBuildError);
    expect(() => el("a", { "bad attr": "x" })).toThrow(XmlBuildError);
    expect(() => el("a", null, true)).toThrow(/String\(value\)/);
    expect(() => toXml(el("a", null, "text", el("b", null, "x")))).toThrow(/Mixed content/);
  });
});
