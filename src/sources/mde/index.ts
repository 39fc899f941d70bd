export { createMdeAlertsSource } from "./alerts-source.ts";
export type { Alert, AlertPage, AlertsSource } from "./alerts-source.ts";
export { apiError, parseAlertPage } from "./responses.ts";
