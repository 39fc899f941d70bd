// `data/inputs/<scheme>`: splunkd's REST handler for the stanzas of a modular input. Creating or
// editing a stanza runs the scheme's external validation (`<exe> --validate-arguments`) first,
// as splunkd does when the scheme says `use_external_validation = true` (ModInputsValidate).
import type { ConfStore } from "./conf-endpoint.ts";
import type { InputParams } from "./input-documents.ts";
import { buildEnvelope, matchesSearch, pageOf, type EntrySource } from "./rest-envelope.ts";
import {
  formArgs,
  requireCapability,
  RestError,
  WILDCARD,
  writeNamespace,
  type RestReply,
  type RestRequest,
} from "./rest-http.ts";
import type { InputScheme } from "./scheme-parser.ts";

/** What splunkd needs of a scheme's executable: its scheme and its validation. */
export interface ModularInputCode {
  introspect(): Promise<InputScheme>;
  validate(name: string, params: InputParams): Promise<{ ok: true } | { ok: false; message: string }>;
}

export interface ModularInputs {
  register(scheme: string, code: ModularInputCode): void;
  /** `rest` is the path after `data/inputs`. */
  handle(request: RestRequest, rest: string[], origin: string): Promise<RestReply>;
}

// Arguments splunkd accepts on every input besides the scheme's own (inputs.conf.spec).
const COMMON_ARGS = ["host", "index", "interval", "source", "sourcetype", "disabled"];
// Assumption: writing an input needs admin_all_objects here; real splunkd checks the
// edit_modinput_<scheme> capability or the object's write ACL ([admin] in this app).
const WRITE_CAPABILITY = "admin_all_objects";
const INPUTS = "inputs";

export function createModularInputs(deps: { appName: string; confs: ConfStore }): ModularInputs {
  const schemes = new Map<string, { code: ModularInputCode; scheme?: InputScheme }>();

  const schemeOf = async (name: string): Promise<{ code: ModularInputCode; scheme: InputScheme }> => {
    const known = schemes.get(name);
    if (!known) throw new RestError(404, "Not Found");
    known.scheme ??= await known.code.introspect();
    return { code: known.code, scheme: known.scheme };
  };

  const stanzaName = (scheme: string, name: string): string => `${scheme}://${name}`;

  // [default], then [<scheme>], then the stanza: what splunkd reports and passes on.
  const effective = (app: string, scheme: string, name: string): Map<string, string> | undefined => {
    const merged = deps.confs.merged(app, INPUTS);
    const own = merged.get(stanzaName(scheme, name));
    if (!own) return undefined;
    return new Map([...(merged.get(scheme) ?? []), ...own]);
  };

  const toEntry = (app: string, name: string, keys: Map<string, string>): EntrySource => {
    const content: Record<string, unknown> = Object.fromEntries(keys);
    content["disabled"] = ["1", "true"].includes((keys.get("disabled") ?? "").toLowerCase());
    content["eai:acl"] = null;
    content["eai:appName"] = app;
    content["eai:userName"] = "nobody";
    return { name, app, owner: "nobody", author: "nobody", sharing: "app", content, updated: new Date() };
  };

  const list = (request: RestRequest, scheme: string, origin: string, only?: string, status = 200): RestReply => {
    const apps = request.namespace.app === WILDCARD ? [deps.appName] : [request.namespace.app];
    const prefix = `${scheme}://`;
    const entries = apps.flatMap((app) =>
      [...deps.confs.merged(app, INPUTS).keys()]
        .filter((stanza) => stanza.startsWith(prefix))
        .map((stanza) => stanza.slice(prefix.length))
        .filter((name) => only === undefined || name === only)
        .map((name) =>
          toEntry(app, name, effective(app, scheme, name) ?? new Map<string, string>())),
    ).filter((entry) => only !== undefined || matchesSearch(request.query.get("search"), entry.name, entry.content));
    const { page, paging } = pageOf(entries, request.query);
    const { owner, app } = request.namespace;
    const ref = { origin, owner, app, base: `data/inputs/${scheme}` };
    return { status, body: buildEnvelope(ref, page, paging, request.query.getAll("f")) };
  };

  const checkArgs = (scheme: InputScheme, args: URLSearchParams): void => {
    const allowed = new Set([...COMMON_ARGS, ...scheme.args.map((arg) => arg.name)]);
    for (const key of args.keys()) {
      if (!allowed.has(key)) throw new RestError(400, `Argument "${key}" is not supported by this handler.`);
    }
  };

  // Assumption: the wording of a refused validation, as splunkd words a failed validation
  // script ("Argument validation for scheme=<s>: script running failed (…)").
  const validate = async (code: ModularInputCode, scheme: string, uses: InputScheme, name: string, params: Map<string, string>) => {
    if (!uses.useExternalValidation) return;
    const result = await code.validate(name, Object.fromEntries(params));
    if (!result.ok) throw new RestError(400, `Argument validation for scheme=${scheme}: ${result.message}`);
  };

  return {
    register(scheme, code) {
      schemes.set(scheme, { code });
    },
    async handle(request, rest, origin) {
      const [schemeName, name, action, ...extra] = rest;
      if (schemeName === undefined || extra.length > 0) throw new RestError(404, "Not Found");
      const { code, scheme } = await schemeOf(schemeName);

      if (request.method === "GET") {
        if (action !== undefined) throw new RestError(404, "Not Found");
        const reply = list(request, schemeName, origin, name);
        if (name !== undefined && (reply.body as { entry: unknown[] }).entry.length === 0) {
          throw new RestError(404, `Could not find object id=${name}`);
        }
        return reply;
      }
      const { app } = writeNamespace(request.namespace);
      requireCapability(request.session, WRITE_CAPABILITY);

      if (request.method === "POST" && name === undefined) {
        const args = formArgs(request);
        const newName = args.get("name");
        if (!newName) throw new RestError(400, "Missing argument: name");
        args.delete("name");
        checkArgs(scheme, args);
        // Assumption: splunkd's wording for a required argument that is missing.
        for (const arg of scheme.args) {
          if (arg.requiredOnCreate && !args.get(arg.name)) throw new RestError(400, `Missing argument: ${arg.name}`);
        }
        if (effective(app, schemeName, newName)) {
          throw new RestError(409, `An object with name=${newName} already exists`);
        }
        const params = new Map([...(deps.confs.merged(app, INPUTS).get(schemeName) ?? []), ...args]);
        await validate(code, schemeName, scheme, newName, params);
        deps.confs.writeLocal(app, INPUTS, stanzaName(schemeName, newName), args);
        return list(request, schemeName, origin, newName, 201);
      }

      if (name === undefined) throw new RestError(405, "Method Not Allowed");
      const current = effective(app, schemeName, name);
      if (!current) throw new RestError(404, `Could not find object id=${name}`);
      const stanza = stanzaName(schemeName, name);

      if (request.method === "DELETE" && action === undefined) {
        if (deps.confs.defaults(app, INPUTS).has(stanza)) {
          throw new RestError(400, `Object id=${name} cannot be deleted in config=inputs.`);
        }
        deps.confs.removeLocal(app, INPUTS, stanza);
        return list(request, schemeName, origin);
      }
      if (request.method !== "POST") throw new RestError(405, "Method Not Allowed");
      if (action === "disable" || action === "enable") {
        deps.confs.writeLocal(app, INPUTS, stanza, [["disabled", action === "disable" ? "1" : "0"]]);
        return list(request, schemeName, origin, name);
      }
      if (action !== undefined) throw new RestError(404, "Not Found");
      const args = formArgs(request);
      if (args.has("name")) throw new RestError(400, `Argument "name" is not supported by this handler.`);
      checkArgs(scheme, args);
      const params = new Map([...current, ...args]);
      params.delete("disabled");
      await validate(code, schemeName, scheme, name, params);
      deps.confs.writeLocal(app, INPUTS, stanza, args);
      return list(request, schemeName, origin, name);
    },
  };
}
