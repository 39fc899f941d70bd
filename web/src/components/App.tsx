import { useCallback, useEffect, useMemo, useRef, useState } from "react";

import Heading from "@splunk/react-ui/Heading";
import Message from "@splunk/react-ui/Message";
import TabLayout from "@splunk/react-ui/TabLayout";
import WaitSpinner from "@splunk/react-ui/WaitSpinner";

import { isConfigured, markConfigured, readAccounts, readProxy, type Account, type ProxySettings } from "../rest/config.ts";
import { onboard } from "../rest/onboard.ts";
import { storedSecretNames } from "../rest/secrets.ts";
import { APP, createSplunkd } from "../rest/splunkd.ts";
import { readCheckpoints, readHealth, readTenants, type CheckpointDoc, type HealthDoc, type Tenant } from "../rest/tenants.ts";
import { AccountSection } from "./AccountSection.tsx";
import { NetworkSection } from "./NetworkSection.tsx";
import { failure, OutcomeMessage, success, type Outcome } from "./Outcome.tsx";
import { PENDING_FLOW, type PendingFlow } from "./TenantDetails.tsx";
import { TenantsSection } from "./TenantsSection.tsx";

interface Loaded {
  configured: boolean;
  accounts: Account[];
  secrets: Set<string>;
  proxy: ProxySettings;
  tenants: Tenant[];
  docs: HealthDoc[];
  checkpoints: CheckpointDoc[];
}

/** The add-on's setup page: the MSSP app, the network path, and the customer tenants. */
export function App() {
  const splunkd = useMemo(createSplunkd, []);
  const [loaded, setLoaded] = useState<Loaded>();
  const [loadError, setLoadError] = useState<Outcome>();
  const [tab, setTab] = useState<string>();
  const [expanded, setExpanded] = useState<string>();
  const [banner, setBanner] = useState<Outcome>();
  const callbackHandled = useRef(false);

  const load = useCallback(async () => {
    try {
      const [configured, accounts, secrets, proxy, tenants, docs, checkpoints] = await Promise.all([
        isConfigured(splunkd), readAccounts(splunkd), storedSecretNames(splunkd), readProxy(splunkd),
        readTenants(splunkd), readHealth(splunkd).catch(() => []), readCheckpoints(splunkd).catch(() => []),
      ]);
      setLoaded({ configured, accounts, secrets, proxy, tenants, docs, checkpoints });
      setLoadError(undefined);
      setTab((current) => current ?? (accounts.length === 0 ? "account" : "tenants"));
    } catch (error) {
      setLoadError(failure(error));
    }
  }, [splunkd]);

  // Back from Microsoft: the consent or sign-in answer is in the query. It is handed to the
  // server as is (which checks the state), and removed from the address bar first.
  useEffect(() => {
    if (callbackHandled.current) return;
    callbackHandled.current = true;
    const query = new URLSearchParams(window.location.search);
    if (!query.has("state") && !query.has("error")) {
      void load();
      return;
    }
    const pending = JSON.parse(window.sessionStorage.getItem(PENDING_FLOW) ?? "null") as PendingFlow | null;
    window.sessionStorage.removeItem(PENDING_FLOW);
    window.history.replaceState(null, "", window.location.pathname);
    const purpose = pending?.purpose ?? (query.has("code") ? "sign_in" : "admin_consent");
    const params = Object.fromEntries(query);
    setTab("tenants");
    if (pending) setExpanded(pending.input);
    void (async () => {
      try {
        const answer = await onboard(splunkd, purpose === "sign_in" ? "sign_in_callback" : "admin_consent_callback", params);
        setBanner(success(purpose === "sign_in"
          ? `Signed in to tenant ${answer["tenant_id"] ?? ""}${answer["signed_in_as"] ? ` as ${answer["signed_in_as"]}` : ""}: the refresh token of ${answer["input"] ?? pending?.input ?? "the input"} is stored.`
          : `Admin consent granted by tenant ${answer["tenant_id"] ?? ""} and verified with a token.`));
      } catch (error) {
        setBanner(failure(error));
      }
      await load();
    })();
  }, [load, splunkd]);

  if (loadError && !loaded) return <OutcomeMessage outcome={loadError} />;
  if (!loaded) return <WaitSpinner size="medium" screenReaderText="Loading the setup page" />;

  const saveAccount = async () => {
    if (!loaded.configured) await markConfigured(splunkd, APP);
    await load();
  };

  return (
    <div className="tdm-setup">
      <Heading level={1}>Microsoft Defender for Endpoint MSSP: setup</Heading>
      {!loaded.configured && (
        <Message type="info">
          First-time setup: register the MSSP app (client ID and its secret or certificate), then add customer
          tenants. This page stays reachable from the app's menu (Setup).
        </Message>
      )}
      <OutcomeMessage outcome={banner} onDismiss={() => setBanner(undefined)} />
      <OutcomeMessage outcome={loadError} />
      <TabLayout activePanelId={tab ?? "account"} onChange={(_e, { activePanelId }) => setTab(activePanelId)}>
        <TabLayout.Panel label="MSSP app" panelId="account">
          <AccountSection splunkd={splunkd} accounts={loaded.accounts} secrets={loaded.secrets} onSaved={saveAccount} />
        </TabLayout.Panel>
        <TabLayout.Panel label="Proxy" panelId="network">
          <NetworkSection splunkd={splunkd} proxy={loaded.proxy} secrets={loaded.secrets} onSaved={load} />
        </TabLayout.Panel>
        <TabLayout.Panel label="Tenants" panelId="tenants" count={loaded.tenants.length}>
          <TenantsSection splunkd={splunkd} tenants={loaded.tenants} accounts={loaded.accounts} secrets={loaded.secrets}
            docs={loaded.docs} checkpoints={loaded.checkpoints} expanded={expanded} setExpanded={setExpanded} onChanged={load} />
        </TabLayout.Panel>
      </TabLayout>
    </div>
  );
}
