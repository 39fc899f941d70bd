import { useRef, useState } from "react";

import Button from "@splunk/react-ui/Button";
import Modal from "@splunk/react-ui/Modal";
import Paragraph from "@splunk/react-ui/Paragraph";
import Switch from "@splunk/react-ui/Switch";

import { deleteSecret, secretNames, storedSecretNames } from "../rest/secrets.ts";
import type { Splunkd } from "../rest/splunkd.ts";
import { deleteHealth, removeTenant, resetCheckpoint, type Tenant } from "../rest/tenants.ts";
import { failure, OutcomeMessage, type Outcome } from "./Outcome.tsx";

interface Props {
  splunkd: Splunkd;
  tenant: Tenant;
  secrets: Set<string>;
  onClose: (removed: boolean) => void;
}

/** Removes a tenant's input, and on request its checkpoint and its stored tokens. */
export function RemoveDialog({ splunkd, tenant, secrets, onClose }: Props) {
  const [checkpoint, setCheckpoint] = useState(false);
  const [tokens, setTokens] = useState(false);
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
  const hasToken = secrets.has(secretNames.refreshToken(tenant.name));

  const remove = async () => {
    setBusy(true);
    setOutcome(undefined);
    try {
      await removeTenant(splunkd, tenant.name);
      // The access token its runs kept goes with it: a bearer token of a removed tenant is not
      // left behind. A run may have stored one since the page loaded, so the names are read again.
      await deleteSecret(splunkd, secretNames.accessToken(tenant.name), await storedSecretNames(splunkd));
      if (checkpoint) {
        await resetCheckpoint(splunkd, tenant.name);
        await deleteHealth(splunkd, tenant.name);
      }
      if (tokens) await deleteSecret(splunkd, secretNames.refreshToken(tenant.name), secrets);
      close(true);
    } catch (error) {
      setOutcome(failure(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open returnFocus={returnFocus} onRequestClose={() => close(false)} className="tdm-modal">
      <Modal.Header title={`Remove tenant ${tenant.name}?`} />
      <Modal.Body>
        <Paragraph>
          Its input stops collecting. Events already indexed stay. Choose what else goes:
        </Paragraph>
        <Switch appearance="checkbox" selected={checkpoint} onClick={() => setCheckpoint(!checkpoint)} value="checkpoint">
          Also delete its checkpoint and health (a tenant added again under this name starts over from its start date)
        </Switch>
        <Switch appearance="checkbox" selected={tokens} onClick={() => setTokens(!tokens)} value="tokens" disabled={!hasToken}>
          {hasToken ? "Also delete its stored sign-in (refresh token)" : "No sign-in (refresh token) is stored for it"}
        </Switch>
        <OutcomeMessage outcome={outcome} />
      </Modal.Body>
      <Modal.Footer>
        <Button appearance="secondary" label="Cancel" onClick={() => close(false)} />
        <Button appearance="destructive" label={busy ? "Removing…" : "Remove tenant"} disabled={busy} onClick={() => void remove()} />
      </Modal.Footer>
    </Modal>
  );
}
