import { useState } from "react";

import Button from "@splunk/react-ui/Button";
import ControlGroup from "@splunk/react-ui/ControlGroup";
import Heading from "@splunk/react-ui/Heading";
import Link from "@splunk/react-ui/Link";
import Paragraph from "@splunk/react-ui/Paragraph";
import TextArea from "@splunk/react-ui/TextArea";

import { health, type TenantHealth } from "../model/health.ts";
import { defenderSiemSettingsLink, plainConsentLink, redirectUri } from "../model/links.ts";
import type { Account } from "../rest/config.ts";
import { isUnknownAction, onboard } from "../rest/onboard.ts";
import type { Splunkd } from "../rest/splunkd.ts";
import { inputParams, type CheckpointDoc, type HealthDoc, type Tenant } from "../rest/tenants.ts";
import { failure, OutcomeMessage, success, type Outcome } from "./Outcome.tsx";

export const PENDING_FLOW = "ta_defender_mssp_setup.pending";

/** What the page remembers across the round trip to Microsoft (the state itself stays on the server). */
export interface PendingFlow {
  purpose: "admin_consent" | "sign_in";
  input: string;
}

interface Props {
  splunkd: Splunkd;
  tenant: Tenant;
  account: Account | undefined;
  docs: HealthDoc[];
  checkpoint: CheckpointDoc | undefined;
  onChanged: () => Promise<void>;
}

/** One tenant's consent actions, connection test and health. */
export function TenantDetails({ splunkd, tenant, account, docs, checkpoint, onChanged }: Props) {
  const [outcome, setOutcome] = useState<Outcome>();
  const [busy, setBusy] = useState<string>();
  const [token, setToken] = useState("");
  const state = health(tenant, docs, checkpoint, Date.now());
  const target = { cloud: tenant.cloud, login_url: tenant.loginUrl, api: tenant.api, api_resource: tenant.apiResource };

  const act = async (label: string, work: () => Promise<Outcome | undefined>) => {
    setBusy(label);
    setOutcome(undefined);
    try {
      const result = await work();
      setOutcome(result);
      await onChanged();
    } catch (error) {
      setOutcome(failure(error));
    } finally {
      setBusy(undefined);
    }
  };

  // The browser leaves for Microsoft and comes back to this page with the answer.
  const roundTrip = (purpose: PendingFlow["purpose"]) => act(purpose, async () => {
    const answer = purpose === "admin_consent"
      ? await onboard(splunkd, "admin_consent_url", {
        account: tenant.account, redirect_uri: redirectUri(), tenant: tenant.tenantId, ...target,
      })
      : await onboard(splunkd, "sign_in_url", { ...inputParams(tenant), redirect_uri: redirectUri() });
    const pending: PendingFlow = { purpose, input: tenant.name };
    window.sessionStorage.setItem(PENDING_FLOW, JSON.stringify(pending));
    window.location.assign(answer["url"] ?? "");
    return { kind: "info", text: "Opening Microsoft's page…" };
  });

  const verify = () => act("verify", async () => {
    const answer = await onboard(splunkd, "verify_consent", { account: tenant.account, tenant_id: tenant.tenantId, ...target });
    return success(`Consent verified for tenant ${answer["tenant_id"] ?? tenant.tenantId}: Entra ID granted the app a token there.`);
  });

  const storeToken = () => act("token", async () => {
    const answer = await onboard(splunkd, "store_refresh_token", { ...inputParams(tenant), refresh_token: token.trim() });
    setToken("");
    return success(`Refresh token stored for ${tenant.name}` +
      (answer["signed_in_as"] ? `, signed in as ${answer["signed_in_as"]}` : "") +
      (answer["verified"] === "true" ? "; Entra ID accepted it." : "."));
  });

  const test = () => act("test", async () => {
    try {
      const answer = await onboard(splunkd, "test_connection", inputParams(tenant));
      return success(answer["summary"] ?? `Connected to tenant ${tenant.tenantId}: a token was granted and the API answered.`);
    } catch (error) {
      // An add-on on the server without the test action: prove the token at least (app-only).
      if (!isUnknownAction(error)) throw error;
      if (tenant.authMode === "delegated") {
        return { kind: "info", text: "This add-on version cannot test a delegated tenant from the setup page; its " +
          "sign-in was checked with Entra ID when it was stored. The input's next run shows the outcome under Health." };
      }
      await onboard(splunkd, "verify_consent", { account: tenant.account, tenant_id: tenant.tenantId, ...target });
      return success(`Connected to tenant ${tenant.tenantId}: Entra ID granted a token with the stored credential. ` +
        "(This add-on version checks the token only, not an alert read.)");
    }
  });

  const delegated = tenant.authMode === "delegated";
  return (
    <div className="tdm-details" data-tenant={tenant.name}>
      <HealthList state={state} />
      <Heading level={3}>{delegated ? "Customer sign-in" : "Admin consent"}</Heading>
      {delegated ? (
        <>
          <Paragraph>
            A user of the customer signs in once; the add-on keeps a refresh token for this input and renews it
            on every run. The code is redeemed on the Splunk server, never in this browser.
          </Paragraph>
          <div className="tdm-actions">
            <Button appearance="primary" label="Sign in to the customer tenant" disabled={busy !== undefined} onClick={() => void roundTrip("sign_in")} />
          </div>
          <ControlGroup label="Or paste a refresh token" labelPosition="top"
            help="One the customer obtained for this app and tenant (Microsoft's MSSP guide). It is checked with Entra ID before it is stored.">
            <TextArea value={token} onChange={(_e, { value }) => setToken(value)} name="refresh-token" rowsMin={2} autoComplete="off" />
          </ControlGroup>
          <div className="tdm-actions">
            <Button appearance="secondary" label="Store the refresh token" disabled={busy !== undefined || token.trim() === ""} onClick={() => void storeToken()} />
          </div>
          <Heading level={3}>Step only the customer can do</Heading>
          <Paragraph>
            For the SIEM way, an administrator of the customer allows the MSSP app in their Defender portal:
            Settings &gt; Endpoints &gt; APIs &gt; SIEM, tab <strong>MSSP</strong>, enter the app's client ID
            <code className="tdm-break"> {account?.clientId ?? ""} </code> and save.{" "}
            <Link to={defenderSiemSettingsLink(tenant.cloud, tenant.tenantId)} openInNewContext>
              Open the Defender portal's SIEM settings for this tenant
            </Link>
          </Paragraph>
        </>
      ) : (
        <>
          <Paragraph>
            An administrator of the customer (Global or Privileged Role Administrator) grants consent once. The
            page then proves it with a token for this tenant before recording it.
          </Paragraph>
          <div className="tdm-actions">
            <Button appearance="primary" label="Grant admin consent" disabled={busy !== undefined} onClick={() => void roundTrip("admin_consent")} />
            <Button appearance="secondary" label="Verify consent" disabled={busy !== undefined} onClick={() => void verify()} />
          </div>
          {account && (
            <Paragraph>
              Or send the customer's admin this link, then use Verify consent:{" "}
              <code className="tdm-break">{plainConsentLink(tenant.cloud, tenant.loginUrl, tenant.tenantId, account.clientId)}</code>
            </Paragraph>
          )}
        </>
      )}
      <Heading level={3}>Connection</Heading>
      <div className="tdm-actions">
        <Button appearance="secondary" label={busy === "test" ? "Testing…" : "Test connection"} disabled={busy !== undefined} onClick={() => void test()} />
      </div>
      <OutcomeMessage outcome={outcome} onDismiss={() => setOutcome(undefined)} />
    </div>
  );
}

function HealthList({ state }: { state: TenantHealth }) {
  return (
    <dl className="tdm-health" aria-label="Health">
      {state.rows.map(([term, value]) => (
        <div key={term} className="tdm-health-row">
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
