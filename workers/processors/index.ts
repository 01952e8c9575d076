import type { ProcessorMap } from "../types";
import { answerXbauIntakeProcessor } from "./answer-xbau-intake";
import { checkDeadlinesProcessor } from "./check-deadlines";
import { checkVersionProcessor } from "./check-version";
import { deleteExpiredSessionsProcessor } from "./delete-expired-sessions";
import { deliverWebhookProcessor } from "./deliver-webhook";
import { exportAkteProcessor } from "./export-akte";
import { exportReviewXbauProcessor } from "./export-review-xbau";
import { exportXbauProcessor } from "./export-xbau";
import { heartbeatProcessor } from "./heartbeat";
import { notifyProcessor } from "./notify";
import { renderDecisionProcessor } from "./render-decision";
import { renderReceiptProcessor } from "./render-receipt";
import { renderRequestLetterProcessor } from "./render-request-letter";
import { renderStatementProcessor } from "./render-statement";
import { routeParticipationProcessor } from "./route-participation";
import { sendEmail } from "./send-email";

/** Job name -> processor. One file per processor in this folder. */
export const processors: ProcessorMap = {
  "system.send-email": sendEmail,
  "system.notify": notifyProcessor,
  "system.delete-expired-sessions": deleteExpiredSessionsProcessor,
  "system.heartbeat": heartbeatProcessor,
  "documents.render-receipt": renderReceiptProcessor,
  "documents.render-decision": renderDecisionProcessor,
  "documents.render-statement": renderStatementProcessor,
  "documents.render-request-letter": renderRequestLetterProcessor,
  "documents.check-version": checkVersionProcessor,
  "documents.export-akte": exportAkteProcessor,
  "xbau.export-application": exportXbauProcessor,
  "xbau.export-review": exportReviewXbauProcessor,
  "xbau.answer-intake": answerXbauIntakeProcessor,
  "participation.route-package": routeParticipationProcessor,
  "deadlines.check-requests": checkDeadlinesProcessor,
  "webhooks.deliver": deliverWebhookProcessor,
};
