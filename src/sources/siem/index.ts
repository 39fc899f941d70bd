export { createSiemAlertsSource } from "./alerts-source.ts";
