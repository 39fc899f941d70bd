// The setup page's entry point. Splunk Web loads this file for the view
// default/data/ui/views/ta_defender_mssp_setup.xml (its `script` attribute) and renders the
// dashboard around it; the page mounts itself at the end of the dashboard body.
import { useEffect, useState } from "react";
import { createRoot } from "react-dom/client";

import { defaultTheme, getThemeOptions, getUserTheme } from "@splunk/splunk-utils/themes";
import SplunkThemeProvider, { type SplunkThemeProviderProps } from "@splunk/themes/SplunkThemeProvider";

import { App } from "./components/App.tsx";
import "./setup.css";

type Theme = Pick<SplunkThemeProviderProps, "family" | "colorScheme">;

const themeOf = (name: string): Theme => {
  const { family, colorScheme } = getThemeOptions(name) as Theme;
  return { family, colorScheme };
};

/** The user's Splunk Web theme (light or dark): the environment's at once, the user's when known. */
function Root() {
  const [theme, setTheme] = useState<Theme>(() => themeOf(defaultTheme()));
  useEffect(() => {
    let current = true;
    getUserTheme().then((name) => current && setTheme(themeOf(name)), () => undefined);
    return () => {
      current = false;
    };
  }, []);
  return (
    <SplunkThemeProvider {...theme} density="comfortable">
      <App />
    </SplunkThemeProvider>
  );
}

function mount(): void {
  const host = document.querySelector(".dashboard-body") ?? document.body;
  const node = document.createElement("div");
  node.id = "ta-defender-mssp-setup";
  host.appendChild(node);
  createRoot(node).render(<Root />);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
else mount();
