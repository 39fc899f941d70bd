// The legacy SIEM API stand-in and its detection generator (see ../README.md).

export {
  generateSiemDetections,
  loadPublicSiemDetections,
  sevenDigitTicks,
  type GenerateSiemDetectionsOptions,
} from "./generate.ts";
export { hasTag } from "./listing.ts";
export {
  createSiemPeer,
  SIEM_RESOURCE,
  type SiemFault,
  type SiemPeer,
  type SiemPeerOptions,
  type SiemRequestRecord,
} from "./peer.ts";
export { DEFAULT_RANGE_TICKS, SIEM_PARAMETERS } from "./query.ts";
export { SUCCESSOR_URL } from "./responses.ts";
export { SIEM_FIELDS, SIEM_SEVERITIES, type SiemDetection, type SiemField } from "./types.ts";
