import pino from "pino";
import { env } from "./env.server";

// Structured JSON logs (one line per event) for production; pretty output only in a dev terminal.
export const logger = pino({
  level: env().LOG_LEVEL,
  base: { service: process.env.BAUANTRAG_PROCESS ?? "web" },
  redact: ["req.headers.cookie", "password", "passwordHash", "*.password"],
  transport:
    env().NODE_ENV === "development" && process.stdout.isTTY
      ? { target: "pino-pretty", options: { translateTime: "SYS:HH:MM:ss" } }
      : undefined,
});
