import type { ProcessorMap } from "../types";
import { sendEmail } from "./send-email";

/** Job name -> processor. One file per processor in this folder. */
export const processors: ProcessorMap = {
  "system.send-email": sendEmail,
};
