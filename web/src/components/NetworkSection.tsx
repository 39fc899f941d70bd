import { useEffect, useState } from "react";

import Button from "@splunk/react-ui/Button";
import ControlGroup from "@splunk/react-ui/ControlGroup";
import Heading from "@splunk/react-ui/Heading";
import Paragraph from "@splunk/react-ui/Paragraph";
import RadioBar from "@splunk/react-ui/RadioBar";
import Switch from "@splunk/react-ui/Switch";
import Text from "@splunk/react-ui/Text";

import { writeProxy, type ProxySettings } from "../rest/config.ts";
import { deleteSecret, secretNames, writeSecret } from "../rest/secrets.ts";
import type { Splunkd } from "../rest/splunkd.ts";
import { failure, OutcomeMessage, success, type Outcome } from "./Outcome.tsx";
import { SecretState } from "./SecretState.tsx";

interface Props {
  splunkd: Splunkd;
  proxy: ProxySettings;
  secrets: Set<string>;
  onSaved: () => Promise<void>;
}

/** The proxy between Splunk and Microsoft (ta_defender_mssp_settings.conf [proxy]). */
export function NetworkSection({ splunkd, proxy, secrets, onSaved }: Props) {
  const [draft, setDraft] = useState<ProxySettings>(proxy);
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  useEffect(() => setDraft(proxy), [proxy]);
  const passwordSet = secrets.has(secretNames.proxyPassword);
  const edit = (patch: Partial<ProxySettings>) => setDraft((d) => ({ ...d, ...patch }));

  const run = async (work: () => Promise<string>) => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const text = await work();
      await onSaved();
      setOutcome(success(text));
    } catch (error) {
      setOutcome(failure(error));
    } finally {
      setBusy(false);
    }
  };

  const save = () => run(async () => {
    // The password first: a proxy that needs it is never switched on without it.
    if (password !== "") await writeSecret(splunkd, secretNames.proxyPassword, password);
    await writeProxy(splunkd, draft);
    setPassword("");
    return draft.enabled ? "Saved. The next run of every input goes through this proxy." : "Saved. No proxy is set for the add-on.";
  });

  const forget = () => run(async () => {
    await deleteSecret(splunkd, secretNames.proxyPassword, secrets);
    return "The stored proxy password was deleted.";
  });

  return (
    <section aria-labelledby="tdm-network-heading" className="tdm-section">
      <Heading level={2} id="tdm-network-heading">Proxy</Heading>
      <Paragraph>
        Every call to Microsoft (Entra ID and the alert APIs) goes through this proxy when it is on; otherwise
        splunkd's HTTPS_PROXY and NO_PROXY apply. splunkd itself is always reached directly.
      </Paragraph>
      <div className="tdm-form">
        <ControlGroup label="Use a proxy" labelPosition="top">
          <Switch appearance="toggle" selected={draft.enabled} onClick={() => edit({ enabled: !draft.enabled })}>
            {draft.enabled ? "On" : "Off"}
          </Switch>
        </ControlGroup>
        <ControlGroup label="Proxy type" labelPosition="top">
          <RadioBar value={draft.type} onChange={(_e, { value }) => edit({ type: value === "https" ? "https" : "http" })}>
            <RadioBar.Option value="http" label="HTTP" />
            <RadioBar.Option value="https" label="HTTPS" />
          </RadioBar>
        </ControlGroup>
        <ControlGroup label="Proxy host" labelPosition="top">
          <Text value={draft.url} onChange={(_e, { value }) => edit({ url: value })} name="proxy-url" placeholder="proxy.corp.example" />
        </ControlGroup>
        <ControlGroup label="Proxy port" labelPosition="top">
          <Text value={draft.port} onChange={(_e, { value }) => edit({ port: value })} name="proxy-port" placeholder="3128" />
        </ControlGroup>
        <ControlGroup label="Proxy user" labelPosition="top" help="Empty: the proxy asks for no credentials.">
          <Text value={draft.username} onChange={(_e, { value }) => edit({ username: value })} name="proxy-username" autoComplete="off" />
        </ControlGroup>
        <ControlGroup label="Proxy password" labelPosition="top" help={<SecretState set={passwordSet} what="A proxy password" />}>
          <Text type="password" value={password} onChange={(_e, { value }) => setPassword(value)} name="proxy-password" autoComplete="new-password" />
        </ControlGroup>
      </div>
      <div className="tdm-actions">
        <Button appearance="primary" label={busy ? "Saving…" : "Save proxy settings"} disabled={busy} onClick={() => void save()} />
        {passwordSet && <Button appearance="secondary" label="Delete the stored password" disabled={busy} onClick={() => void forget()} />}
      </div>
      <OutcomeMessage outcome={outcome} onDismiss={() => setOutcome(undefined)} />
    </section>
  );
}
