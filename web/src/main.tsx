// The setup page's entry point. Splunk Web loads this file for the view
// default/data/ui/views/ta_defender_mssp_setup.xml (its `script` attribute) and renders the
// dashboard around it; the page mounts itself at the end of the dashboard body.
import { createRoot } from "react-dom/client";

import SplunkThemeProvider from "@splunk/themes/SplunkThemeProvider";

import { App } from "./components/App.tsx";
import "./setup.css";

function mount(): void {
  const host = document.querySelector(".dashboard-body") ?? document.body;
  const node = document.createElement("div");
  node.id = "ta-defender-mssp-setup";
  host.appendChild(node);
  createRoot(node).render(
    <SplunkThemeProvider family="enterprise" colorScheme="light" density="comfortable">
      <App />
    </SplunkThemeProvider>,
  );
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
else mount();
