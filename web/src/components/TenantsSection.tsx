import { useEffect, useState } from "react";

import Button from "@splunk/react-ui/Button";
import Heading from "@splunk/react-ui/Heading";
import Paragraph from "@splunk/react-ui/Paragraph";
import Table from "@splunk/react-ui/Table";

import { health } from "../model/health.ts";
import type { Account } from "../rest/config.ts";
import type { Splunkd } from "../rest/splunkd.ts";
import { emptyTenant, setTenantEnabled, type CheckpointDoc, type HealthDoc, type Tenant } from "../rest/tenants.ts";
import { failure, OutcomeMessage, success, type Outcome } from "./Outcome.tsx";
import { RemoveDialog } from "./RemoveDialog.tsx";
import { TenantDetails } from "./TenantDetails.tsx";
import { TenantEditor } from "./TenantEditor.tsx";

interface Props {
  splunkd: Splunkd;
  tenants: Tenant[];
  accounts: Account[];
  secrets: Set<string>;
  docs: HealthDoc[];
  checkpoints: CheckpointDoc[];
  expanded: string | undefined;
  setExpanded: (name: string | undefined) => void;
  onChanged: () => Promise<void>;
}

const MODE = { app_only: "App-only", delegated: "Delegated" } as const;
const COLUMNS = 7;
const NARROW = "(max-width: 720px)";

/** Whether the window is narrow: the table then becomes a list of cards. */
function useNarrow(): boolean {
  const [narrow, setNarrow] = useState(() => window.matchMedia(NARROW).matches);
  useEffect(() => {
    const query = window.matchMedia(NARROW);
    const update = () => setNarrow(query.matches);
    query.addEventListener("change", update);
    return () => query.removeEventListener("change", update);
  }, []);
  return narrow;
}

/** The customer tenants, one input each: add, edit, disable, remove, and per-tenant details. */
export function TenantsSection(props: Props) {
  const { splunkd, tenants, accounts, secrets, docs, checkpoints, expanded, setExpanded, onChanged } = props;
  const [editing, setEditing] = useState<{ tenant: Tenant; isNew: boolean }>();
  const [removing, setRemoving] = useState<Tenant>();
  const [outcome, setOutcome] = useState<Outcome>();
  const account = accounts[0];
  const narrow = useNarrow();

  const toggle = async (tenant: Tenant) => {
    setOutcome(undefined);
    try {
      await setTenantEnabled(splunkd, tenant.name, tenant.disabled);
      await onChanged();
      setOutcome(success(`${tenant.name} is ${tenant.disabled ? "enabled" : "disabled"}.`));
    } catch (error) {
      setOutcome(failure(error));
    }
  };

  const actions = (tenant: Tenant) => (
    <div className="tdm-row-actions">
      <Button appearance="secondary" inline label="Edit" aria-label={`Edit ${tenant.name}`}
        onClick={() => setEditing({ tenant, isNew: false })} />
      <Button appearance="secondary" inline label={tenant.disabled ? "Enable" : "Disable"}
        aria-label={`${tenant.disabled ? "Enable" : "Disable"} ${tenant.name}`} onClick={() => void toggle(tenant)} />
      <Button appearance="destructiveSecondary" inline label="Remove" aria-label={`Remove ${tenant.name}`}
        onClick={() => setRemoving(tenant)} />
    </div>
  );
  const detailsOf = (tenant: Tenant) => (
    <TenantDetails splunkd={splunkd} tenant={tenant} account={accounts.find((a) => a.name === tenant.account)}
      docs={docs} checkpoint={checkpoints.find((c) => c._key === tenant.name)} onChanged={onChanged} />
  );
  const healthOf = (tenant: Tenant) => {
    const state = health(tenant, docs, checkpoints.find((c) => c._key === tenant.name), Date.now());
    return (
      <>
        <span className={`tdm-health-summary tdm-health-${state.summary.replace(" ", "-")}`}>{state.summary}</span>
        <small>{state.consent}</small>
      </>
    );
  };

  const cards = (
    <ul className="tdm-cards" aria-label="Customer tenants">
      {tenants.map((tenant) => (
        <li key={tenant.name} className="tdm-card" data-tenant-row={tenant.name}>
          <div className="tdm-card-head">
            <strong>{tenant.name}</strong>
            <span>{MODE[tenant.authMode]}, {tenant.api}</span>
          </div>
          <div>{healthOf(tenant)}</div>
          <div className="tdm-break"><small>Tenant {tenant.tenantId}, index {tenant.index || "default"}</small></div>
          {actions(tenant)}
          <Button appearance="secondary" inline label={expanded === tenant.name ? "Hide details" : "Details"}
            aria-expanded={expanded === tenant.name} aria-label={`Details of ${tenant.name}`}
            onClick={() => setExpanded(expanded === tenant.name ? undefined : tenant.name)} />
          {expanded === tenant.name && detailsOf(tenant)}
        </li>
      ))}
    </ul>
  );

  return (
    <section aria-labelledby="tdm-tenants-heading" className="tdm-section">
      <Heading level={2} id="tdm-tenants-heading">Customer tenants</Heading>
      <Paragraph>One input per customer tenant. Saving a tenant creates or updates its input; splunkd checks it with the add-on's validation first.</Paragraph>
      <div className="tdm-actions">
        <Button appearance="primary" label="Add tenant" disabled={account === undefined}
          onClick={() => setEditing({ tenant: emptyTenant(account?.name ?? "", account?.cloud ?? "commercial", account?.loginUrl ?? ""), isNew: true })} />
        <Button appearance="secondary" label="Refresh" onClick={() => void onChanged()} />
      </div>
      {account === undefined && <Paragraph>Register the MSSP app first (tab MSSP app).</Paragraph>}
      <OutcomeMessage outcome={outcome} onDismiss={() => setOutcome(undefined)} />
      {narrow ? cards : (
      <div className="tdm-table-scroll">
        <Table stripeRows rowExpansion="controlled" className="tdm-tenants" aria-label="Customer tenants">
          <Table.Head>
            <Table.HeadCell>Name</Table.HeadCell>
            <Table.HeadCell>Tenant ID</Table.HeadCell>
            <Table.HeadCell>Mode</Table.HeadCell>
            <Table.HeadCell>API</Table.HeadCell>
            <Table.HeadCell>Index</Table.HeadCell>
            <Table.HeadCell>Health</Table.HeadCell>
            <Table.HeadCell>Actions</Table.HeadCell>
          </Table.Head>
          <Table.Body>
            {tenants.map((tenant) => (
              <Table.Row
                key={tenant.name}
                data-tenant-row={tenant.name}
                expanded={expanded === tenant.name}
                onExpansion={() => setExpanded(expanded === tenant.name ? undefined : tenant.name)}
                expansionRow={
                  <Table.Row key={`${tenant.name}-details`}>
                    <Table.Cell colSpan={COLUMNS}>{detailsOf(tenant)}</Table.Cell>
                  </Table.Row>
                }
              >
                <Table.Cell>{tenant.name}</Table.Cell>
                <Table.Cell><code>{tenant.tenantId}</code></Table.Cell>
                <Table.Cell>{MODE[tenant.authMode]}</Table.Cell>
                <Table.Cell>{tenant.api}</Table.Cell>
                <Table.Cell>{tenant.index || "default"}</Table.Cell>
                <Table.Cell>{healthOf(tenant)}</Table.Cell>
                <Table.Cell>{actions(tenant)}</Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      </div>
      )}
      {tenants.length === 0 && <Paragraph>No tenants yet.</Paragraph>}
      {editing && (
        <TenantEditor splunkd={splunkd} accounts={accounts} tenant={editing.tenant} isNew={editing.isNew}
          onClose={(saved) => {
            const wasNew = editing.isNew;
            setEditing(undefined);
            if (saved !== undefined) {
              setOutcome(success(wasNew ? `Tenant ${saved} added: its input is created and enabled.` : `Tenant ${saved} saved.`));
              setExpanded(saved);
              void onChanged();
            }
          }} />
      )}
      {removing && (
        <RemoveDialog splunkd={splunkd} tenant={removing} secrets={secrets}
          onClose={(removed) => {
            const name = removing.name;
            setRemoving(undefined);
            if (removed) {
              setOutcome(success(`Tenant ${name} removed.`));
              void onChanged();
            }
          }} />
      )}
    </section>
  );
}
