import { useRef, useState } from "react";

import Button from "@splunk/react-ui/Button";
import ControlGroup from "@splunk/react-ui/ControlGroup";
import Modal from "@splunk/react-ui/Modal";
import RadioBar from "@splunk/react-ui/RadioBar";
import Select from "@splunk/react-ui/Select";
import Text from "@splunk/react-ui/Text";

import { CLOUD_LABELS, CLOUDS } from "../model/links.ts";
import type { Account } from "../rest/config.ts";
import type { Splunkd } from "../rest/splunkd.ts";
import { saveTenant, type Tenant } from "../rest/tenants.ts";
import { failure, OutcomeMessage, type Outcome } from "./Outcome.tsx";

const INPUT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

interface Props {
  splunkd: Splunkd;
  accounts: Account[];
  tenant: Tenant;
  isNew: boolean;
  onClose: (saved: string | undefined) => void;
}

/** Add or edit one customer tenant: saving creates or updates its input through splunkd. */
export function TenantEditor({ splunkd, accounts, tenant, isNew, onClose }: Props) {
  const [draft, setDraft] = useState<Tenant>(tenant);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  // Keyboard users land back on the button that opened the dialog.
  const returnFocus = useRef<HTMLElement | null>(document.activeElement as HTMLElement | null);
  // The dialog is unmounted on close, so focus is handed back here rather than by the Modal.
  const close = (value: Parameters<typeof onClose>[0]) => {
    const back = returnFocus.current;
    onClose(value);
    window.setTimeout(() => back?.focus(), 0);
  };
  const edit = (patch: Partial<Tenant>) => setDraft((d) => ({ ...d, ...patch }));
  const text = (field: keyof Tenant, label: string, help?: string, placeholder?: string) => (
    <ControlGroup label={label} labelPosition="top" {...(help === undefined ? {} : { help })}>
      <Text value={String(draft[field])} name={field} {...(placeholder === undefined ? {} : { placeholder })}
        onChange={(_e, { value }) => edit({ [field]: value })} />
    </ControlGroup>
  );

  const save = async () => {
    if (isNew && !INPUT_NAME.test(draft.name)) {
      setOutcome({ kind: "info", text: "Name the tenant with letters, digits, '_', '.' or '-' (for example contoso); it names its input." });
      return;
    }
    setBusy(true);
    setOutcome(undefined);
    try {
      await saveTenant(splunkd, draft, isNew);
      close(draft.name);
    } catch (error) {
      // splunkd's own text, which carries the add-on's validation message.
      setOutcome(failure(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open returnFocus={returnFocus} onRequestClose={() => close(undefined)} className="tdm-modal">
      <Modal.Header title={isNew ? "Add a customer tenant" : `Edit tenant ${tenant.name}`} />
      <Modal.Body>
        <form className="tdm-form" onSubmit={(e) => { e.preventDefault(); void save(); }}>
          {isNew
            ? text("name", "Name", "Names the tenant's input, e.g. contoso: letters, digits, '_', '.', '-'.")
            : null}
          {text("tenantId", "Tenant ID", "The customer's Directory (tenant) ID.", "00000000-0000-0000-0000-000000000000")}
          <ControlGroup label="Mode" labelPosition="top">
            <RadioBar value={draft.authMode} onChange={(_e, { value }) => edit({ authMode: value === "delegated" ? "delegated" : "app_only" })}>
              <RadioBar.Option value="app_only" label="App-only (admin consent)" />
              <RadioBar.Option value="delegated" label="Delegated (sign-in)" />
            </RadioBar>
          </ControlGroup>
          <ControlGroup label="API" labelPosition="top">
            <Select value={draft.api} name="api" onChange={(_e, { value }) => edit({ api: value as Tenant["api"] })}>
              <Select.Option label="Defender for Endpoint alerts (mde)" value="mde" />
              <Select.Option label="Microsoft Graph alerts_v2 (graph)" value="graph" />
              <Select.Option label="Legacy SIEM API (siem)" value="siem" />
            </Select>
          </ControlGroup>
          <ControlGroup label="Account" labelPosition="top">
            <Select value={draft.account} name="tenant-account" onChange={(_e, { value }) => edit({ account: String(value) })}>
              {accounts.map((a) => <Select.Option key={a.name} label={a.name} value={a.name} />)}
            </Select>
          </ControlGroup>
          <ControlGroup label="Cloud" labelPosition="top">
            <Select value={draft.cloud} name="cloud" onChange={(_e, { value }) => edit({ cloud: String(value) })}>
              {CLOUDS.map((c) => <Select.Option key={c} label={CLOUD_LABELS[c] ?? c} value={c} />)}
            </Select>
          </ControlGroup>
          {draft.cloud === "custom" && (
            <>
              {text("loginUrl", "Login URL", undefined, "https://login.example")}
              {text("apiUrl", "API URL", undefined, "https://api.example")}
              {text("apiResource", "API resource", "The token audience; empty: the API's default.")}
            </>
          )}
          {text("index", "Index", "Empty: the default index.")}
          {text("interval", "Interval (seconds)")}
          {text("startDate", "Start date", "Where the first run starts; empty: 7 days ago.", "YYYY-MM-DD")}
          {draft.api !== "siem" && text("severity", "Severities", "Comma-separated; empty: all.", draft.api === "graph" ? "high,medium" : "High,Medium")}
          {draft.api !== "siem" && text("status", "Statuses", "Comma-separated; empty: all.")}
          {draft.api !== "siem" && text("filter", "Extra OData filter", "Joined with 'and'; not on the update time.")}
          {draft.api === "graph" && text("serviceSources", "Defender products", "Comma-separated serviceSource values, or *.")}
          <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
        </form>
        <OutcomeMessage outcome={outcome} />
      </Modal.Body>
      <Modal.Footer>
        <Button appearance="secondary" label="Cancel" onClick={() => close(undefined)} />
        <Button appearance="primary" label={busy ? "Saving…" : isNew ? "Add tenant" : "Save tenant"} disabled={busy} onClick={() => void save()} />
      </Modal.Footer>
    </Modal>
  );
}
