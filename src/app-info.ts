/** The add-on's identity, shared by every layer. */
export const APP_ID = "TA-defender-mssp";
export const SCHEME = "defender_alerts";
export const VERSION = "0.1.0";
/** Defender's partner guidance asks integrations to identify themselves this way. */
export const USER_AGENT = `MdatpPartner-${APP_ID}/${VERSION}`;
