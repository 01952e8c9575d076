/**
 * Generates the sample Bauvorlagen in fixtures/bauvorlagen/ (committed; re-run to refresh):
 *
 *   npx tsx scripts/make-fixture-pdfs.ts
 *
 * Plans (A3 landscape) have a frame, a drawn plan and a title block bottom right ("Bauvorhaben",
 * "Planinhalt", "Maßstab"); text documents are A4. Also writes bad inputs for upload tests:
 * broken.pdf (PDF header, truncated garbage), encrypted.pdf (real password encryption via qpdf),
 * empty.pdf (0 bytes), fake.pdf (a PNG named .pdf) and photo.jpg / photo.png (real images via
 * pdftoppm). Output is deterministic apart from what qpdf/poppler put in (fixed dates, no random ids).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Color,
  degrees,
  grayscale,
  PDFDocument,
  type PDFFont,
  type PDFPage,
  rgb,
  StandardFonts,
} from "pdf-lib";

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/bauvorlagen");
const FIXED_DATE = new Date("2026-03-01T09:00:00Z");
const MM = 72 / 25.4;
const A3_LANDSCAPE: [number, number] = [420 * MM, 297 * MM];
const A4: [number, number] = [210 * MM, 297 * MM];

const PROJECT = {
  title: "Neubau eines Einfamilienhauses mit Carport",
  // The demo and test site (app/domain/completeness/fixtures.ts einfamilienhaus(): Lindenweg 7 in
  // Grevesmühlen, Landkreis Nordwestmecklenburg), so the plans match the case they are filed with.
  address: "Lindenweg 7, 23936 Grevesmühlen",
  parcel: "Gemarkung Grevesmühlen, Flur 5, Flurstück 123/4",
  owner: "Erika Mustermann, Klützer Straße 5, 23936 Grevesmühlen",
  architect: "Dipl.-Ing. Jana Beispiel, Architektin AK M-V Nr. 2041",
};

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

async function newDoc(title: string): Promise<{ doc: PDFDocument; fonts: Fonts }> {
  const doc = await PDFDocument.create();
  doc.setTitle(title);
  doc.setAuthor("Architekturbüro Beispiel");
  doc.setSubject(PROJECT.title);
  doc.setCreator("Bauantrag fixtures");
  doc.setProducer("pdf-lib");
  doc.setCreationDate(FIXED_DATE);
  doc.setModificationDate(FIXED_DATE);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  return { doc, fonts: { regular, bold } };
}

function text(
  page: PDFPage,
  font: PDFFont,
  s: string,
  x: number,
  y: number,
  size = 9,
  color: Color = rgb(0, 0, 0),
) {
  page.drawText(s, { x, y, size, font, color });
}

function line(
  page: PDFPage,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  thickness = 0.5,
  color: Color = rgb(0, 0, 0),
) {
  page.drawLine({ start: { x: x1, y: y1 }, end: { x: x2, y: y2 }, thickness, color });
}

function rect(
  page: PDFPage,
  x: number,
  y: number,
  w: number,
  h: number,
  opts: { fill?: Color; border?: number } = {},
) {
  page.drawRectangle({
    x,
    y,
    width: w,
    height: h,
    borderColor: rgb(0, 0, 0),
    borderWidth: opts.border ?? 0.5,
    color: opts.fill,
  });
}

/** Frame (20 mm binding margin left, 10 mm elsewhere) and title block bottom right. */
function planSheet(page: PDFPage, fonts: Fonts, planContent: string, scale: string, planNo: string) {
  const { width, height } = page.getSize();
  rect(page, 20 * MM, 10 * MM, width - 30 * MM, height - 20 * MM, { border: 1.2 });
  const bw = 180 * MM;
  const bh = 62 * MM;
  const bx = width - 10 * MM - bw;
  const by = 10 * MM;
  rect(page, bx, by, bw, bh, { border: 1.2 });
  const rows: Array<[string, string]> = [
    ["Bauvorhaben", PROJECT.title],
    ["Grundstück", PROJECT.address],
    ["", PROJECT.parcel],
    ["Bauherr", PROJECT.owner],
    ["Planinhalt", planContent],
    ["Maßstab", scale],
    ["Entwurfsverfasser", PROJECT.architect],
    ["Datum / Plan-Nr.", `01.03.2026  /  ${planNo}  /  Index a`],
  ];
  const rowH = bh / rows.length;
  rows.forEach(([label, value], i) => {
    const y = by + bh - (i + 1) * rowH;
    if (i > 0 && label) line(page, bx, y + rowH, bx + bw, y + rowH, 0.4);
    text(page, fonts.regular, label, bx + 2 * MM, y + 2.2 * MM, 7, grayscale(0.35));
    const bold = label === "Planinhalt" || label === "Maßstab" || label === "Bauvorhaben";
    text(page, bold ? fonts.bold : fonts.regular, value, bx + 38 * MM, y + 2.2 * MM, bold ? 10 : 8.5);
  });
  line(page, bx + 36 * MM, by, bx + 36 * MM, by + bh, 0.4);
  text(
    page,
    fonts.regular,
    "Unterschrift Entwurfsverfasser / Bauherr",
    bx - 70 * MM,
    by + 4 * MM,
    7,
    grayscale(0.4),
  );
  line(page, bx - 70 * MM, by + 9 * MM, bx - 5 * MM, by + 9 * MM, 0.4);
}

function northArrow(page: PDFPage, fonts: Fonts, x: number, y: number) {
  page.drawSvgPath("M 0 0 L 8 -30 L 16 0 L 8 -8 Z", { x, y: y + 30, color: rgb(0, 0, 0) });
  text(page, fonts.bold, "N", x + 4.5, y + 34, 12);
}

/** Horizontal dimension line with ticks and a centred label (metres). */
function dimension(page: PDFPage, fonts: Fonts, x1: number, x2: number, y: number, label: string) {
  line(page, x1, y, x2, y, 0.4);
  for (const x of [x1, x2]) line(page, x - 2, y - 2, x + 2, y + 2, 0.8);
  const w = fonts.regular.widthOfTextAtSize(label, 7);
  text(page, fonts.regular, label, (x1 + x2) / 2 - w / 2, y + 2, 7);
}

function verticalDimension(page: PDFPage, fonts: Fonts, x: number, y1: number, y2: number, label: string) {
  line(page, x, y1, x, y2, 0.4);
  for (const y of [y1, y2]) line(page, x - 2, y - 2, x + 2, y + 2, 0.8);
  page.drawText(label, { x: x - 2, y: (y1 + y2) / 2 - 8, size: 7, font: fonts.regular, rotate: degrees(90) });
}

async function grundriss(): Promise<Uint8Array> {
  const { doc, fonts } = await newDoc("Grundriss Erdgeschoss");
  const page = doc.addPage(A3_LANDSCAPE);
  planSheet(page, fonts, "Grundriss Erdgeschoss", "1:100", "A-101");
  // 1:100 → 1 m = 10 mm on paper. House 12.00 m × 9.00 m, outer walls 36.5 cm, inner walls 11.5 / 24 cm.
  const m = 10 * MM;
  const ox = 60 * MM;
  const oy = 110 * MM;
  const W = 12 * m;
  const H = 9 * m;
  const t = 0.365 * m;
  rect(page, ox, oy, W, H, { fill: grayscale(0.25), border: 1 });
  rect(page, ox + t, oy + t, W - 2 * t, H - 2 * t, { fill: rgb(1, 1, 1), border: 0.6 });
  const inner = 0.115 * m;
  const wall = (x: number, y: number, w: number, h: number) =>
    rect(page, x, y, w, h, { fill: grayscale(0.45), border: 0.4 });
  wall(ox + 7 * m, oy + t, 0.24 * m, H - 2 * t); // load-bearing wall
  wall(ox + t, oy + 4.5 * m, 7 * m - t, inner); // corridor line
  wall(ox + 3.5 * m, oy + t, inner, 4.5 * m - t); // bath / utility
  wall(ox + 7.24 * m, oy + 5 * m, W - 7.24 * m - t, inner); // kitchen / study
  // Door openings (white gaps + swing arcs).
  const door = (x: number, y: number, r: number, vertical: boolean) => {
    if (vertical) rect(page, x - 1, y, 0.26 * m, r, { fill: rgb(1, 1, 1), border: 0 });
    else rect(page, x, y - 1, r, 0.15 * m, { fill: rgb(1, 1, 1), border: 0 });
    page.drawSvgPath(`M 0 0 L ${r} 0 A ${r} ${r} 0 0 0 0 ${-r}`, {
      x,
      y,
      borderColor: rgb(0, 0, 0),
      borderWidth: 0.4,
    });
  };
  door(ox + 1.2 * m, oy + 4.5 * m + inner, 0.9 * m, false);
  door(ox + 4.6 * m, oy + 4.5 * m + inner, 0.9 * m, false);
  door(ox + 7 * m, oy + 6 * m, 0.9 * m, true);
  door(ox + 8.5 * m, oy + 5 * m + inner, 0.9 * m, false);
  // Entrance door in the south wall.
  rect(page, ox + 5 * m, oy - 1, 1.1 * m, t + 2, { fill: rgb(1, 1, 1), border: 0 });
  // Windows: thin double lines in the outer walls.
  const windowH = (x: number, y: number, w: number) => {
    rect(page, x, y, w, t, { fill: rgb(1, 1, 1), border: 0.4 });
    line(page, x, y + t / 2, x + w, y + t / 2, 0.4);
  };
  const windowV = (x: number, y: number, h: number) => {
    rect(page, x, y, t, h, { fill: rgb(1, 1, 1), border: 0.4 });
    line(page, x + t / 2, y, x + t / 2, y + h, 0.4);
  };
  windowH(ox + 1.5 * m, oy + H - t, 2 * m);
  windowH(ox + 8.5 * m, oy + H - t, 2.5 * m);
  windowH(ox + 1 * m, oy, 1.5 * m);
  windowH(ox + 8.5 * m, oy, 2 * m);
  windowV(ox, oy + 5.5 * m, 2 * m);
  windowV(ox + W - t, oy + 6 * m, 1.5 * m);
  windowV(ox + W - t, oy + 1.5 * m, 2 * m);
  // Stairs.
  for (let i = 0; i <= 12; i++)
    line(page, ox + 3.7 * m + i * 0.26 * m, oy + 2.4 * m, ox + 3.7 * m + i * 0.26 * m, oy + 3.4 * m, 0.3);
  rect(page, ox + 3.7 * m, oy + 2.4 * m, 3.12 * m, 1 * m, { border: 0.4 });
  text(page, fonts.regular, "13 Stg. 17,7/26", ox + 4.3 * m, oy + 2 * m, 6.5);
  // Room labels with areas.
  const room = (name: string, area: string, x: number, y: number) => {
    text(page, fonts.bold, name, ox + x * m, oy + y * m, 9);
    text(page, fonts.regular, `${area} m²`, ox + x * m, oy + y * m - 11, 8);
  };
  room("Wohnen / Essen", "28,45", 1.2, 6.8);
  room("Flur", "9,10", 4.2, 3.8);
  room("Bad", "7,85", 1.2, 2.6);
  room("HWR", "5,20", 4.5, 1.3);
  room("Küche", "12,40", 8.6, 7.0);
  room("Arbeiten", "17,30", 8.6, 2.6);
  // Dimension chains.
  dimension(page, fonts, ox, ox + W, oy - 12 * MM, "12,00");
  dimension(page, fonts, ox, ox + 7 * m, oy - 7 * MM, "7,00");
  dimension(page, fonts, ox + 7 * m, ox + W, oy - 7 * MM, "5,00");
  verticalDimension(page, fonts, ox - 10 * MM, oy, oy + H, "9,00");
  northArrow(page, fonts, ox + W + 25 * MM, oy + H - 10 * MM);
  text(page, fonts.regular, "OKFF EG ±0,00 = 4,85 m ü. NHN", ox, oy + H + 8 * MM, 8);
  text(
    page,
    fonts.regular,
    "Wände: KS 36,5 cm mit WDVS; tragende Innenwand KS 24 cm; Trennwände 11,5 cm",
    ox,
    oy + H + 3 * MM,
    8,
  );
  return doc.save();
}

async function schnitt(): Promise<Uint8Array> {
  const { doc, fonts } = await newDoc("Schnitt A-A");
  const page = doc.addPage(A3_LANDSCAPE);
  planSheet(page, fonts, "Schnitt A-A", "1:100", "A-201");
  const m = 10 * MM;
  const ox = 70 * MM;
  const gy = 110 * MM; // ground level
  line(page, 40 * MM, gy, 260 * MM, gy, 1.2);
  for (let x = 40 * MM; x < 260 * MM; x += 4 * MM) line(page, x, gy, x - 3 * MM, gy - 3 * MM, 0.3);
  rect(page, ox, gy - 0.8 * m, 9 * m, 0.8 * m, { fill: grayscale(0.55), border: 0.6 }); // foundation slab
  const storey = 2.75 * m;
  for (let i = 0; i < 2; i++) {
    const y = gy + i * storey;
    rect(page, ox, y, 0.365 * m, storey, { fill: grayscale(0.3), border: 0.6 });
    rect(page, ox + 9 * m - 0.365 * m, y, 0.365 * m, storey, { fill: grayscale(0.3), border: 0.6 });
    rect(page, ox, y + storey - 0.22 * m, 9 * m, 0.22 * m, { fill: grayscale(0.5), border: 0.6 }); // slab
    text(page, fonts.regular, i === 0 ? "±0,00" : "+2,75", ox - 18 * MM, y + 1, 8);
    line(page, ox - 6 * MM, y, ox, y, 0.4);
  }
  const roofY = gy + 2 * storey;
  page.drawSvgPath(`M 0 0 L ${4.5 * m} ${-3.2 * m} L ${9 * m} 0`, {
    x: ox,
    y: roofY,
    borderColor: rgb(0, 0, 0),
    borderWidth: 2,
  });
  text(page, fonts.regular, "Satteldach 35°, Ziegeldeckung", ox + 9.5 * m, roofY + 1.5 * m, 8);
  text(page, fonts.regular, "First +8,70", ox + 3.6 * m, roofY + 3.4 * m, 8);
  verticalDimension(page, fonts, ox + 11 * m, gy, roofY + 3.2 * m, "8,70");
  dimension(page, fonts, ox, ox + 9 * m, gy - 14 * MM, "9,00");
  text(page, fonts.bold, "Wohnen", ox + 3 * m, gy + 1.2 * m, 9);
  text(page, fonts.bold, "Schlafen", ox + 3 * m, gy + storey + 1.2 * m, 9);
  text(
    page,
    fonts.regular,
    "Gründung: Stahlbetonbodenplatte 25 cm auf Perimeterdämmung",
    40 * MM,
    gy - 22 * MM,
    8,
  );
  return doc.save();
}

async function ansichten(): Promise<Uint8Array> {
  const { doc, fonts } = await newDoc("Ansichten");
  const page = doc.addPage(A3_LANDSCAPE);
  planSheet(page, fonts, "Ansichten Süd / Nord / Ost / West", "1:100", "A-301");
  const m = 10 * MM;
  const elevation = (label: string, x: number, y: number, width: number, gable: boolean) => {
    line(page, x - 5 * MM, y, x + width * m + 5 * MM, y, 1);
    rect(page, x, y, width * m, 5.5 * m, { border: 1 });
    if (gable) {
      page.drawSvgPath(`M 0 0 L ${(width * m) / 2} ${-3.2 * m} L ${width * m} 0 Z`, {
        x,
        y: y + 5.5 * m,
        borderColor: rgb(0, 0, 0),
        borderWidth: 1,
        color: grayscale(0.8),
      });
    } else {
      rect(page, x - 3 * MM, y + 5.5 * m, width * m + 6 * MM, 3.2 * m, { fill: grayscale(0.8), border: 1 });
    }
    const windows = Math.max(2, Math.floor(width / 3));
    for (let i = 0; i < windows; i++) {
      const wx = x + (i + 0.5) * ((width * m) / windows) - 0.6 * m;
      rect(page, wx, y + 0.9 * m, 1.2 * m, 1.4 * m, { border: 0.6 });
      rect(page, wx, y + 3.7 * m, 1.2 * m, 1.2 * m, { border: 0.6 });
      line(page, wx + 0.6 * m, y + 0.9 * m, wx + 0.6 * m, y + 2.3 * m, 0.3);
    }
    text(page, fonts.bold, label, x, y - 8 * MM, 10);
  };
  elevation("Ansicht Süd", 40 * MM, 175 * MM, 12, false);
  elevation("Ansicht Nord", 190 * MM, 175 * MM, 12, false);
  elevation("Ansicht Ost", 40 * MM, 95 * MM, 9, true);
  elevation("Ansicht West", 160 * MM, 95 * MM, 9, true);
  text(
    page,
    fonts.regular,
    "Fassade: Putz hell (RAL 9010), Sockel anthrazit; Dach: Tondachziegel rot",
    40 * MM,
    80 * MM,
    8,
  );
  return doc.save();
}

async function lageplan(): Promise<Uint8Array> {
  const { doc, fonts } = await newDoc("Lageplan");
  const page = doc.addPage(A3_LANDSCAPE);
  planSheet(page, fonts, "Lageplan", "1:500", "A-001");
  const m = 2 * MM; // 1:500 → 1 m = 2 mm
  const ox = 100 * MM;
  const oy = 100 * MM;
  // Street.
  rect(page, 30 * MM, oy - 14 * m, 290 * MM, 10 * m, { fill: grayscale(0.9), border: 0.6 });
  text(page, fonts.bold, "Lindenweg", 120 * MM, oy - 10 * m, 10);
  // Parcels.
  const parcel = (x: number, w: number, h: number, label: string, own: boolean) => {
    rect(page, ox + x * m, oy, w * m, h * m, {
      border: own ? 1.6 : 0.6,
      fill: own ? rgb(0.98, 0.95, 0.85) : undefined,
    });
    text(
      page,
      fonts.regular,
      label,
      ox + (x + w / 2 - 2) * m,
      oy + (h - 6) * m,
      8,
      own ? rgb(0.6, 0, 0) : rgb(0, 0, 0),
    );
  };
  parcel(-30, 30, 40, "111", false);
  parcel(0, 28, 42, "123/4", true);
  parcel(28, 26, 40, "113", false);
  parcel(54, 30, 38, "114/1", false);
  // Planned building (12 × 9 m) with distances to the boundaries.
  rect(page, ox + 8 * m, oy + 12 * m, 12 * m, 9 * m, { fill: rgb(0.85, 0.2, 0.2), border: 1 });
  text(page, fonts.bold, "geplant", ox + 10 * m, oy + 16 * m, 7, rgb(1, 1, 1));
  text(page, fonts.regular, "EFH, I+D, GK 1", ox + 9 * m, oy + 13.5 * m, 6, rgb(1, 1, 1));
  rect(page, ox + 21 * m, oy + 3 * m, 3.5 * m, 6 * m, { border: 0.6, fill: grayscale(0.7) });
  text(page, fonts.regular, "Carport", ox + 20.5 * m, oy + 1 * m, 6);
  // Existing neighbours.
  rect(page, ox - 22 * m, oy + 14 * m, 11 * m, 10 * m, { fill: grayscale(0.6), border: 0.6 });
  rect(page, ox + 33 * m, oy + 12 * m, 12 * m, 10 * m, { fill: grayscale(0.6), border: 0.6 });
  dimension(page, fonts, ox, ox + 8 * m, oy + 10 * m, "8,00");
  verticalDimension(page, fonts, ox + 14 * m, oy, oy + 12 * m, "12,00");
  dimension(page, fonts, ox + 20 * m, ox + 28 * m, oy + 18 * m, "8,00");
  text(page, fonts.regular, "Abstandsflächen 0,4 H, mind. 3,00 m eingehalten", ox, oy + 48 * m, 8);
  text(
    page,
    fonts.regular,
    "GRZ zulässig 0,4 / vorhanden 0,12  –  GFZ zulässig 0,8 / vorhanden 0,22",
    ox,
    oy + 52 * m,
    8,
  );
  northArrow(page, fonts, 300 * MM, 230 * MM);
  return doc.save();
}

async function liegenschaftskarte(): Promise<Uint8Array> {
  const { doc, fonts } = await newDoc("Auszug aus der Liegenschaftskarte");
  const page = doc.addPage(A4);
  const { width, height } = page.getSize();
  rect(page, 15 * MM, 15 * MM, width - 30 * MM, height - 30 * MM, { border: 1 });
  text(page, fonts.bold, "Auszug aus dem Liegenschaftskataster", 20 * MM, height - 25 * MM, 13);
  text(
    page,
    fonts.regular,
    "Liegenschaftskarte 1:1000  –  Landkreis Nordwestmecklenburg, Kataster- und Vermessungsamt",
    20 * MM,
    height - 31 * MM,
    8,
  );
  text(
    page,
    fonts.regular,
    "Gemarkung Grevesmühlen  Flur 5  –  Flurstück 123/4",
    20 * MM,
    height - 36 * MM,
    9,
  );
  const ox = 30 * MM;
  const oy = 70 * MM;
  const c = 1 * MM; // 1:1000 → 1 m = 1 mm
  const polys = [
    { pts: "0,0 30,0 30,40 0,40", label: "111" },
    { pts: "30,0 58,0 58,42 30,40", label: "123/4", own: true },
    { pts: "58,0 84,0 84,40 58,42", label: "113" },
    { pts: "84,0 114,0 120,38 84,40", label: "114/1" },
    { pts: "0,40 30,40 30,80 0,80", label: "108" },
    { pts: "30,40 58,42 60,80 30,80", label: "109/2" },
    { pts: "58,42 84,40 86,80 60,80", label: "110" },
    { pts: "84,40 120,38 125,80 86,80", label: "115" },
  ];
  for (const p of polys) {
    const pts = p.pts.split(" ").map((s) => s.split(",").map(Number) as [number, number]);
    const d = pts.map(([x, y], i) => `${i === 0 ? "M" : "L"} ${x * c * 1.2} ${-y * c * 1.2}`).join(" ");
    page.drawSvgPath(`${d} Z`, {
      x: ox,
      y: oy,
      borderColor: rgb(0, 0, 0),
      borderWidth: p.own ? 1.4 : 0.5,
      color: p.own ? rgb(1, 0.93, 0.6) : undefined,
    });
    const cx = pts.reduce((a, [x]) => a + x, 0) / pts.length;
    const cy = pts.reduce((a, [, y]) => a + y, 0) / pts.length;
    text(page, fonts.regular, p.label, ox + cx * c * 1.2 - 6, oy + cy * c * 1.2, 8);
  }
  rect(page, ox - 5 * MM, oy - 14 * MM, 160 * MM, 10 * MM, { fill: grayscale(0.9), border: 0.5 });
  text(page, fonts.regular, "Lindenweg (Flurstück 301)", ox + 40 * MM, oy - 10 * MM, 8);
  northArrow(page, fonts, width - 35 * MM, height - 70 * MM);
  text(
    page,
    fonts.regular,
    "Dieser Auszug ist gesetzlich geschützt (§ 12 GeoVermG M-V). Erstellt am 20.02.2026.",
    20 * MM,
    22 * MM,
    7,
  );
  return doc.save();
}

/** Simple word-wrapping text document on A4 pages. */
async function textDocument(
  title: string,
  subtitle: string,
  sections: Array<[string, string]>,
): Promise<Uint8Array> {
  const { doc, fonts } = await newDoc(title);
  const size = 10;
  const lineH = 14;
  const left = 25 * MM;
  const right = A4[0] - 20 * MM;
  let page = doc.addPage(A4);
  let y = A4[1] - 30 * MM;
  const header = () => {
    text(
      page,
      fonts.regular,
      `${PROJECT.title} – ${PROJECT.address}`,
      left,
      A4[1] - 15 * MM,
      7,
      grayscale(0.4),
    );
    line(page, left, A4[1] - 17 * MM, right, A4[1] - 17 * MM, 0.3);
  };
  const ensure = (needed: number) => {
    if (y - needed < 25 * MM) {
      page = doc.addPage(A4);
      header();
      y = A4[1] - 30 * MM;
    }
  };
  header();
  text(page, fonts.bold, title, left, y, 16);
  y -= 20;
  text(page, fonts.regular, subtitle, left, y, 10);
  y -= 26;
  for (const [heading, body] of sections) {
    ensure(40);
    text(page, fonts.bold, heading, left, y, 11);
    y -= lineH + 2;
    for (const paragraph of body.split("\n")) {
      let current = "";
      for (const word of paragraph.split(" ")) {
        const candidate = current ? `${current} ${word}` : word;
        if (fonts.regular.widthOfTextAtSize(candidate, size) > right - left) {
          ensure(lineH);
          text(page, fonts.regular, current, left, y, size);
          y -= lineH;
          current = word;
        } else current = candidate;
      }
      ensure(lineH);
      if (current) text(page, fonts.regular, current, left, y, size);
      y -= lineH + 4;
    }
    y -= 6;
  }
  const pages = doc.getPages();
  pages.forEach((p, i) => {
    text(p, fonts.regular, `Seite ${i + 1} von ${pages.length}`, right - 25 * MM, 12 * MM, 8, grayscale(0.4));
  });
  return doc.save();
}

const LOREM =
  "Die Ausführung erfolgt nach den allgemein anerkannten Regeln der Technik und den eingeführten Technischen Baubestimmungen. Änderungen gegenüber der Genehmigungsplanung werden der Bauaufsichtsbehörde vor Ausführung angezeigt. Maße sind am Bau zu prüfen; Unstimmigkeiten sind dem Entwurfsverfasser unverzüglich mitzuteilen.";

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const write = (name: string, bytes: Uint8Array | Buffer) => {
    fs.writeFileSync(path.join(OUT, name), bytes);
    console.log(`${name.padEnd(28)} ${String(bytes.length).padStart(8)} bytes`);
  };

  write("lageplan.pdf", await lageplan());
  write("liegenschaftskarte.pdf", await liegenschaftskarte());
  write("grundriss-eg.pdf", await grundriss());
  write("schnitt.pdf", await schnitt());
  write("ansichten.pdf", await ansichten());
  write(
    "baubeschreibung.pdf",
    await textDocument("Baubeschreibung", "nach § 11 BauVorlVO M-V (Vordruck-Inhalt)", [
      [
        "1. Art der baulichen Nutzung",
        "Wohngebäude mit einer Wohneinheit (Einfamilienhaus), Gebäudeklasse 1, freistehend.",
      ],
      [
        "2. Konstruktion",
        `Gründung: Stahlbetonbodenplatte C25/30, 25 cm, auf 20 cm XPS-Perimeterdämmung.\nAußenwände: Kalksandstein 17,5 cm mit 16 cm WDVS (WLG 035), Innenputz Gips.\nDecken: Stahlbeton-Filigrandecke 22 cm. Dach: Sparrendach 35°, Zwischensparrendämmung 24 cm, Tondachziegel.\n${LOREM}`,
      ],
      [
        "3. Haustechnik",
        `Luft-Wasser-Wärmepumpe mit Fußbodenheizung; Photovoltaikanlage 9,8 kWp. Entwässerung im Trennsystem an den öffentlichen Kanal (Schmutzwasser), Niederschlagswasser wird auf dem Grundstück versickert.\n${LOREM}`,
      ],
      [
        "4. Flächen und Rauminhalt",
        "Grundfläche 108,00 m²; Geschossfläche 194,40 m²; Brutto-Rauminhalt 642 m³. Wohnfläche nach WoFlV 152,35 m².",
      ],
      [
        "5. Stellplätze",
        "Zwei Stellplätze (Carport und offener Stellplatz) auf dem Baugrundstück gemäß der örtlichen Stellplatzsatzung.",
      ],
      ["6. Herstellungskosten", "Geschätzte Kosten (KG 300 + 400 nach DIN 276): 465.000 €."],
      ["7. Hinweise", `${LOREM}\n${LOREM}\n${LOREM}`],
    ]),
  );
  write(
    "brandschutznachweis.pdf",
    await textDocument("Brandschutznachweis", "Gebäudeklasse 1 nach § 2 Abs. 3 LBauO M-V", [
      [
        "1. Gebäudebeschreibung",
        "Freistehendes Wohngebäude, Höhe nach § 2 Abs. 3 Satz 2 LBauO bis 7 m, eine Nutzungseinheit, Fläche < 400 m².",
      ],
      [
        "2. Bauteilanforderungen",
        `Tragende Wände und Decken: keine Anforderung an die Feuerwiderstandsfähigkeit (GK 1). Ausgeführt: feuerhemmend (F 30) als Qualitätsstandard.\n${LOREM}`,
      ],
      [
        "3. Rettungswege",
        "Erster Rettungsweg über Treppe und Hauseingang; zweiter Rettungsweg über anleiterbare Fenster (lichte Öffnung mind. 0,90 × 1,20 m, Brüstung höchstens 1,20 m).",
      ],
      [
        "4. Rauchwarnmelder",
        "In allen Schlafräumen, Kinderzimmern und Fluren, über die Rettungswege von Aufenthaltsräumen führen (§ 48 Abs. 4 LBauO M-V).",
      ],
      [
        "5. Löschwasser",
        `Grundschutz über Hydrant H 100 in 80 m Entfernung (Lindenweg / Ecke Wiesenweg).\n${LOREM}`,
      ],
    ]),
  );
  write(
    "standsicherheit.pdf",
    await textDocument(
      "Standsicherheitsnachweis",
      "Statische Berechnung – Positionsplan und Nachweise (Auszug)",
      [
        [
          "Pos. 1 Dach",
          "Sparren 8/20 cm C24, e = 0,75 m, Spannweite 4,80 m. Schnee Zone 2 (s_k = 0,85 kN/m²), Wind WZ 2. Ausnutzung 0,78 < 1,0.",
        ],
        [
          "Pos. 2 Decke über EG",
          "Stahlbeton C25/30, h = 22 cm, einachsig gespannt, l = 5,00 m. Bewehrung unten Q335A. Durchbiegung l/250 eingehalten.",
        ],
        [
          "Pos. 3 Wände",
          "KS 17,5 cm, SFK 12, MG IIa; vereinfachtes Verfahren nach DIN EN 1996-3/NA. Nachweis erbracht.",
        ],
        [
          "Pos. 4 Gründung",
          `Bodenplatte auf Sand, zulässige Sohlpressung 200 kN/m² (Baugrundgutachten vom 12.01.2026).\n${LOREM}`,
        ],
        ["Aufsteller", "Dipl.-Ing. Tom Tragwerk, Beratender Ingenieur, Ingenieurkammer M-V Nr. 5531"],
      ],
    ),
  );
  write(
    "bauvorlageberechtigung.pdf",
    await textDocument(
      "Nachweis der Bauvorlageberechtigung",
      "Bescheinigung der Architektenkammer Mecklenburg-Vorpommern",
      [
        [
          "Bescheinigung",
          "Hiermit wird bescheinigt, dass Frau Dipl.-Ing. Jana Beispiel, geboren am 04.07.1982, unter der Nummer 2041 in die Architektenliste der Architektenkammer Mecklenburg-Vorpommern eingetragen ist (Fachrichtung Architektur).",
        ],
        [
          "Bauvorlageberechtigung",
          "Sie ist gemäß § 65 Abs. 2 Nr. 1 LBauO M-V bauvorlageberechtigt. Eine Berufshaftpflichtversicherung ist nachgewiesen.",
        ],
        ["Ausstellung", "Schwerin, den 02.01.2026 – Architektenkammer M-V, Geschäftsstelle"],
      ],
    ),
  );

  write(
    "berechnung-grz-gfz.pdf",
    await textDocument("Berechnung GRZ/GFZ", "Maß der baulichen Nutzung nach §§ 19, 20 BauNVO", [
      ["Grundstück", `${PROJECT.parcel}; Grundstücksfläche 900,00 m² (laut Liegenschaftskataster).`],
      [
        "Grundflächenzahl (§ 19 BauNVO)",
        "Wohnhaus 12,00 × 9,00 m = 108,00 m²; Carport 3,50 × 6,00 m = 21,00 m²; Zufahrt und Stellplatz (§ 19 Abs. 4 BauNVO) 45,00 m². GRZ I = 108,00 / 900,00 = 0,12; GRZ II = 174,00 / 900,00 = 0,19. Zulässig nach B-Plan: 0,4.",
      ],
      [
        "Geschossflächenzahl (§ 20 BauNVO)",
        "Erdgeschoss 108,00 m²; Dachgeschoss (Vollgeschoss) 86,40 m². GF = 194,40 m²; GFZ = 194,40 / 900,00 = 0,22. Zulässig nach B-Plan: 0,8.",
      ],
      ["Ergebnis", "Die Festsetzungen des Bebauungsplans zum Maß der baulichen Nutzung sind eingehalten."],
    ]),
  );
  write(
    "waermeschutznachweis.pdf",
    await textDocument("Wärmeschutznachweis", "Nachweis nach dem Gebäudeenergiegesetz (GEG), Wohngebäude", [
      [
        "Gebäude",
        "Freistehendes Einfamilienhaus, beheiztes Gebäudevolumen 642 m³, Gebäudenutzfläche A_N 205,4 m², Hüllfläche 498 m².",
      ],
      [
        "Ergebnis",
        `Jahres-Primärenergiebedarf Q_P = 38,2 kWh/(m²a), zulässig (55 % des Referenzgebäudes) 41,5 kWh/(m²a). Spezifischer Transmissionswärmeverlust H'_T = 0,28 W/(m²K), zulässig 0,40 W/(m²K). Anteil erneuerbarer Energien: Luft-Wasser-Wärmepumpe.\n${LOREM}`,
      ],
      ["Aussteller", "Dipl.-Ing. (FH) Eva Energie, Energieberaterin, Ingenieurkammer M-V Nr. 6120"],
    ]),
  );
  write(
    "statistik-erhebungsbogen.pdf",
    await textDocument(
      "Statistischer Erhebungsbogen",
      "Statistik der Baugenehmigungen (HBauStatG) – nur für statistische Zwecke",
      [
        ["Bauherr:in", "Private Haushalte"],
        ["Art der Bautätigkeit", "Errichtung eines neuen Gebäudes; Wohngebäude mit 1 Wohnung"],
        [
          "Angaben zum Gebäude",
          "Vollgeschosse 2; Rauminhalt 642 m³; Wohnfläche 152 m²; Räume 6; Heizenergie: Umweltthermie (Luft/Wasser); veranschlagte Kosten des Bauwerks 465.000 €.",
        ],
        [
          "Hinweis",
          "Die Angaben unterliegen der statistischen Geheimhaltung (§ 16 BStatG) und werden nicht an beteiligte Stellen weitergegeben.",
        ],
      ],
    ),
  );

  write(
    "vollmacht.pdf",
    await textDocument("Vollmacht", "der Bauherrin für die Entwurfsverfasserin im Baugenehmigungsverfahren", [
      [
        "Vollmacht",
        `Ich, ${PROJECT.owner}, bevollmächtige ${PROJECT.architect}, mich im Baugenehmigungsverfahren für das Vorhaben „${PROJECT.title}“ (${PROJECT.address}; ${PROJECT.parcel}) gegenüber der Bauaufsichtsbehörde zu vertreten, den Bauantrag einzureichen, Unterlagen nachzureichen und Erklärungen abzugeben.`,
      ],
      [
        "Ausgenommen",
        "Die Rücknahme des Antrags und der Verzicht auf Rechtsbehelfe bleiben der Bauherrin vorbehalten.",
      ],
      ["Ort, Datum, Unterschrift", "Grevesmühlen, den 15.02.2026 – gez. Erika Mustermann"],
    ]),
  );
  // Bad inputs for upload validation.
  const good = fs.readFileSync(path.join(OUT, "grundriss-eg.pdf"));
  write(
    "broken.pdf",
    Buffer.concat([
      good.subarray(0, 400),
      Buffer.from("\n%% truncated transfer \u0000\u0001\u0002garbage garbage\n"),
    ]),
  );
  write("empty.pdf", Buffer.alloc(0));
  const encrypted = path.join(OUT, "encrypted.pdf");
  try {
    // AES-256 with user password "geheim": opening needs the password (pdf-lib cannot encrypt).
    execFileSync("qpdf", [
      "--encrypt",
      "geheim",
      "owner-geheim",
      "256",
      "--",
      path.join(OUT, "baubeschreibung.pdf"),
      encrypted,
    ]);
    console.log(
      `${"encrypted.pdf".padEnd(28)} ${String(fs.statSync(encrypted).size).padStart(8)} bytes (qpdf AES-256)`,
    );
  } catch (error) {
    console.warn(`qpdf not available, encrypted.pdf left as it is: ${(error as Error).message}`);
  }
  // Real images rendered by poppler: a photo-like JPEG and a PNG (also used renamed as fake.pdf).
  const tmp = path.join(OUT, ".render");
  execFileSync("pdftoppm", ["-jpeg", "-r", "30", "-singlefile", path.join(OUT, "ansichten.pdf"), tmp]);
  fs.renameSync(`${tmp}.jpg`, path.join(OUT, "photo.jpg"));
  execFileSync("pdftoppm", ["-png", "-r", "20", "-singlefile", path.join(OUT, "lageplan.pdf"), tmp]);
  fs.renameSync(`${tmp}.png`, path.join(OUT, "photo.png"));
  fs.copyFileSync(path.join(OUT, "photo.png"), path.join(OUT, "fake.pdf"));
  for (const name of ["photo.jpg", "photo.png", "fake.pdf"]) {
    console.log(`${name.padEnd(28)} ${String(fs.statSync(path.join(OUT, name)).size).padStart(8)} bytes`);
  }
}

await main();
