import { useEffect, useState } from "react";

import Button from "@splunk/react-ui/Button";
import ControlGroup from "@splunk/react-ui/ControlGroup";
import Heading from "@splunk/react-ui/Heading";
import Paragraph from "@splunk/react-ui/Paragraph";
import RadioBar from "@splunk/react-ui/RadioBar";
import Select from "@splunk/react-ui/Select";
import Text from "@splunk/react-ui/Text";
import TextArea from "@splunk/react-ui/TextArea";

import { CLOUD_LABELS, CLOUDS, redirectUri } from "../model/links.ts";
import { ACCOUNT_CONF, writeStanza, type Account } from "../rest/config.ts";
import { onboard } from "../rest/onboard.ts";
import { secretNames } from "../rest/secrets.ts";
import type { Splunkd } from "../rest/splunkd.ts";
import { failure, OutcomeMessage, success, type Outcome } from "./Outcome.tsx";
import { SecretState } from "./SecretState.tsx";

const NEW = "__new__";
const ACCOUNT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

interface Props {
  splunkd: Splunkd;
  accounts: Account[];
  secrets: Set<string>;
  /** Called after a save, with whether it was the first account of the app. */
  onSaved: () => Promise<void>;
}

/** The MSSP's app registration: client id, cloud, and its client secret or certificate. */
export function AccountSection({ splunkd, accounts, secrets, onSaved }: Props) {
  const [selected, setSelected] = useState<string>(accounts[0]?.name ?? NEW);
  const current = accounts.find((a) => a.name === selected);
  const [name, setName] = useState(current?.name ?? "mssp");
  const [clientId, setClientId] = useState(current?.clientId ?? "");
  const [cloud, setCloud] = useState(current?.cloud ?? "commercial");
  const [loginUrl, setLoginUrl] = useState(current?.loginUrl ?? "");
  const [credential, setCredential] = useState<Account["credentialType"]>(current?.credentialType ?? "client_secret");
  const [secret, setSecret] = useState("");
  const [privateKey, setPrivateKey] = useState("");
  const [certificate, setCertificate] = useState("");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();

  useEffect(() => {
    const account = accounts.find((a) => a.name === selected);
    setName(account?.name ?? (accounts.length === 0 ? "mssp" : ""));
    setClientId(account?.clientId ?? "");
    setCloud(account?.cloud ?? "commercial");
    setLoginUrl(account?.loginUrl ?? "");
    setCredential(account?.credentialType ?? "client_secret");
    setSecret("");
    setPrivateKey("");
    setCertificate("");
  }, [selected, accounts]);

  const isNew = current === undefined;
  const secretSet = secrets.has(secretNames.clientSecret(name));
  const certificateSet = secrets.has(secretNames.privateKey(name)) && secrets.has(secretNames.certificate(name));

  const save = async () => {
    if (!ACCOUNT_NAME.test(name)) {
      setOutcome({ kind: "info", text: "Name the account with letters, digits, '_', '.' or '-' (for example mssp)." });
      return;
    }
    setBusy(true);
    setOutcome(undefined);
    try {
      let message = "Saved.";
      if (credential === "client_secret" && secret !== "") {
        await onboard(splunkd, "store_client_secret", { account: name, client_id: clientId.trim(), client_secret: secret });
        message = "Saved. The client secret is stored in splunkd's storage/passwords; it is never shown again.";
      } else if (credential === "certificate" && (privateKey !== "" || certificate !== "")) {
        const stored = await onboard(splunkd, "store_certificate", {
          account: name, client_id: clientId.trim(), private_key: privateKey, certificate,
        });
        message = `Saved. Certificate thumbprint ${stored["thumbprint_sha1"] ?? ""} (compare it with the app ` +
          `registration's Certificates & secrets page), valid until ${stored["not_after"] ?? ""}.`;
      } else if ((credential === "client_secret" && !secretSet) || (credential === "certificate" && !certificateSet)) {
        setOutcome({ kind: "info", text: credential === "client_secret"
          ? "Enter the app registration's client secret: none is stored for this account yet."
          : "Paste or load the certificate and its private key: none is stored for this account yet." });
        return;
      } else {
        await writeStanza(splunkd, ACCOUNT_CONF, name, { client_id: clientId.trim(), credential_type: credential });
      }
      await writeStanza(splunkd, ACCOUNT_CONF, name, { cloud, login_url: cloud === "custom" ? loginUrl.trim() : "" });
      setSecret("");
      setPrivateKey("");
      setCertificate("");
      await onSaved();
      setSelected(name);
      setOutcome(success(message));
    } catch (error) {
      setOutcome(failure(error));
    } finally {
      setBusy(false);
    }
  };

  const loadFile = (setter: (text: string) => void) => async (event: React.ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) setter(await file.text());
  };

  return (
    <section aria-labelledby="tdm-account-heading" className="tdm-section">
      <Heading level={2} id="tdm-account-heading">MSSP app registration</Heading>
      <Paragraph>
        The multi-tenant Entra ID app that every customer consents to. Its secret or private key goes
        straight to splunkd's storage/passwords; this page only shows whether one is stored.
      </Paragraph>
      {accounts.length > 0 && (
        <ControlGroup label="Account" labelPosition="top">
          <Select value={selected} onChange={(_e, { value }) => setSelected(String(value))} name="account-select">
            {accounts.map((a) => <Select.Option key={a.name} label={a.name} value={a.name} />)}
            <Select.Option label="New account…" value={NEW} />
          </Select>
        </ControlGroup>
      )}
      <div className="tdm-form">
        <ControlGroup label="Account name" labelPosition="top" help="How inputs name this app registration.">
          <Text value={name} onChange={(_e, { value }) => setName(value)} disabled={!isNew} name="account-name" />
        </ControlGroup>
        <ControlGroup label="Application (client) ID" labelPosition="top">
          <Text value={clientId} onChange={(_e, { value }) => setClientId(value)} name="client-id"
            placeholder="00000000-0000-0000-0000-000000000000" />
        </ControlGroup>
        <ControlGroup label="Cloud" labelPosition="top" help="The cloud of the app registration; new tenants start with it.">
          <Select value={cloud} onChange={(_e, { value }) => setCloud(String(value))} name="account-cloud">
            {CLOUDS.map((c) => <Select.Option key={c} label={CLOUD_LABELS[c] ?? c} value={c} />)}
          </Select>
        </ControlGroup>
        {cloud === "custom" && (
          <ControlGroup label="Login URL" labelPosition="top">
            <Text value={loginUrl} onChange={(_e, { value }) => setLoginUrl(value)} name="account-login-url"
              placeholder="https://login.example" />
          </ControlGroup>
        )}
        <ControlGroup label="Credential" labelPosition="top">
          <RadioBar value={credential} onChange={(_e, { value }) => setCredential(value as Account["credentialType"])}>
            <RadioBar.Option value="client_secret" label="Client secret" />
            <RadioBar.Option value="certificate" label="Certificate" />
          </RadioBar>
        </ControlGroup>
        {credential === "client_secret" ? (
          <ControlGroup label="Client secret" labelPosition="top"
            help={<SecretState set={secretSet} what="A client secret" />}>
            <Text type="password" value={secret} onChange={(_e, { value }) => setSecret(value)} name="client-secret"
              autoComplete="new-password" placeholder={secretSet ? "Leave empty to keep the stored secret" : "The secret's value"} />
          </ControlGroup>
        ) : (
          <>
            <ControlGroup label="Certificate (PEM)" labelPosition="top"
              help={<SecretState set={certificateSet} what="A certificate and key" />}>
              <TextArea value={certificate} onChange={(_e, { value }) => setCertificate(value)} name="certificate" rowsMin={3} />
              <input type="file" accept=".pem,.crt,.cer" aria-label="Load the certificate from a file" onChange={(e) => void loadFile(setCertificate)(e)} />
            </ControlGroup>
            <ControlGroup label="Private key (PEM, unencrypted RSA)" labelPosition="top">
              <TextArea value={privateKey} onChange={(_e, { value }) => setPrivateKey(value)} name="private-key" rowsMin={3} />
              <input type="file" accept=".pem,.key" aria-label="Load the private key from a file" onChange={(e) => void loadFile(setPrivateKey)(e)} />
            </ControlGroup>
          </>
        )}
      </div>
      <Paragraph>
        Register this page as a <strong>Web</strong> redirect URI of the app registration, for the consent and
        sign-in round trips: <code className="tdm-break">{redirectUri()}</code>
      </Paragraph>
      <div className="tdm-actions">
        <Button appearance="primary" label={busy ? "Saving…" : "Save app registration"} disabled={busy} onClick={() => void save()} />
      </div>
      <OutcomeMessage outcome={outcome} onDismiss={() => setOutcome(undefined)} />
    </section>
  );
}
