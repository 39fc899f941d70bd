// The Splunk Web stand-in: pages of the app's views, the app's static files, and the splunkd proxy.
export { createSplunkWebPeer } from "./splunkweb-peer.ts";
export type { ProxiedCall, SplunkWebPeer, SplunkWebPeerOptions } from "./splunkweb-peer.ts";
