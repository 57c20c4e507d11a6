import type { DecodeContext, Draft } from '../decode/draft.js';
import { claim, setOwn } from '../decode/draft.js';
import { isPlainObject, mapRecord } from '../decode/field-mapper.js';
import { normalizeHost } from '../decode/host.js';
import { isIp } from '../decode/ip.js';
import { parseLevel } from '../decode/level.js';
import { parseTimestamp } from '../time.js';

/**
 * Windows event log records in the JSON shapes they arrive in, normalized into one form: the
 * flat names SigmaHQ's Windows rules use (`EventID` as a number, `Channel`, `Provider_Name`,
 * `Computer`, and every EventData / UserData field by its name) in `attributes`, with host,
 * time, level, process, user and addresses taken from the event. A rule written for one
 * shape then matches them all.
 *
 * | shape | recognized by | written by |
 * |---|---|---|
 * | `winlogbeat` | an object `winlog` with `event_id` or `channel` | Winlogbeat, Elastic Agent (ECS) |
 * | `evtx` | an object `Event` with an object `System` | evtx_dump (the evtx crate), python-evtx + xmltodict, golang-evtx, NXLog's xm_xml |
 * | `nxlog` | `EventID` with `SourceName` and `Hostname` or `EventTime` | NXLog im_msvistalog + to_json() |
 * | `flat` | `EventID` with `Channel` or `Provider_Name` | events already flattened to Sigma's names |
 *
 * Three property lookups reject any other JSON object.
 */
export type WindowsShape = 'winlogbeat' | 'evtx' | 'nxlog' | 'flat';

export function windowsShapeOf(o: Record<string, unknown>): WindowsShape | null {
  const w = o.winlog;
  if (w !== undefined) return isPlainObject(w) && (w.event_id !== undefined || w.channel !== undefined) ? 'winlogbeat' : null;
  const ev = o.Event;
  if (ev !== undefined) return isPlainObject(ev) && isPlainObject(ev.System) ? 'evtx' : null;
  if (o.EventID === undefined) return null;
  if (typeof o.SourceName === 'string' && (o.Hostname !== undefined || o.EventTime !== undefined)) return 'nxlog';
  if (typeof o.Channel === 'string' || typeof o.Provider_Name === 'string') return 'flat';
  return null;
}

/** What every shape is read into before the draft is filled. */
interface WinEvent {
  eventId: number | null;
  /** The event id as it came, kept when it is no number. */
  eventIdRaw: unknown;
  channel: string | null;
  provider: string | null;
  computer: string | null;
  time: unknown;
  /** The event's Level (0–5), when the shape carries the number. */
  level: number | null;
  /** A level word (Winlogbeat's `log.level`, NXLog's `Severity`), when there is no number. */
  levelText: unknown;
  /** The rendered message, when the shipper sent one. */
  message: string | null;
  /** Other System values under flat names (`EventRecordID`, `Execution_ProcessID`, `Keywords`, …). */
  system: Record<string, unknown>;
  /** EventData and UserData fields by name (moved to the top of attributes). */
  data: Record<string, unknown>;
  /** Where the event's fields are read: `data`, or the record itself for the flat shapes. */
  fields: Record<string, unknown>;
  /** What is left of the record: kept in attributes as it came. */
  rest: Record<string, unknown>;
}

/**
 * Windows Level → syslog severity (0 emergency … 7 debug). 0 (LogAlways, which the Security
 * log uses for every audit event) reads as information.
 */
const LEVELS: readonly number[] = [6, 2, 3, 4, 6, 7];

/** Decodes a record windowsShapeOf recognized. Mutates `record`, which the caller owns. */
export function decodeWindowsEvent(record: Record<string, unknown>, shape: WindowsShape, draft: Draft, ctx: DecodeContext): void {
  claim(draft, 'windows');
  claim(draft, shape);
  const w = shape === 'winlogbeat' ? fromWinlogbeat(record, draft, ctx) : shape === 'evtx' ? fromEvtx(record) : fromFlat(record, shape);
  fill(w, draft, ctx);
}

function fromWinlogbeat(record: Record<string, unknown>, draft: Draft, ctx: DecodeContext): WinEvent {
  const wl = record.winlog as Record<string, unknown>;
  delete record.winlog;
  // The XML Winlogbeat adds with include_xml repeats the event, which raw holds already.
  const ev = record.event;
  if (isPlainObject(ev) && typeof ev.original === 'string' && ev.original.startsWith('<Event')) {
    delete ev.original;
    if (Object.keys(ev).length === 0) delete record.event;
  }
  // The ECS part (@timestamp, host.name, log.level, message, …) maps as any ECS document.
  mapRecord(record, draft, ctx);
  const w = blank(draft.attributes);
  w.eventIdRaw = take(wl, 'event_id');
  w.eventId = eventIdOf(w.eventIdRaw, w.system);
  w.channel = str(take(wl, 'channel'));
  w.provider = str(take(wl, 'provider_name'));
  w.computer = str(take(wl, 'computer_name'));
  const system: [string, string][] = [
    ['provider_guid', 'Provider_Guid'],
    ['record_id', 'EventRecordID'],
    ['task', 'Task'],
    ['opcode', 'Opcode'],
    ['keywords', 'Keywords'],
    ['version', 'Version'],
  ];
  for (const [from, to] of system) {
    const v = take(wl, from);
    if (v !== undefined) setOwn(w.system, to, v);
  }
  const ed = take(wl, 'event_data');
  if (isPlainObject(ed)) for (const [k, v] of Object.entries(ed)) setOwn(w.data, k, v);
  const ud = take(wl, 'user_data');
  if (isPlainObject(ud)) flatten(ud, '', w.data);
  if (Object.keys(wl).length > 0) setOwn(w.rest, 'winlog', wl);
  return w;
}

function fromEvtx(record: Record<string, unknown>): WinEvent {
  const ev = record.Event as Record<string, unknown>;
  delete record.Event;
  const w = blank(record);
  const sys = ev.System as Record<string, unknown>;
  delete ev.System;
  w.eventIdRaw = take(sys, 'EventID');
  w.eventId = eventIdOf(w.eventIdRaw, w.system);
  flatten(sys, '', w.system);
  w.channel = str(take(w.system, 'Channel'));
  w.computer = str(take(w.system, 'Computer'));
  w.provider = str(take(w.system, 'Provider_Name'));
  w.time = take(w.system, 'TimeCreated_SystemTime');
  w.level = smallInt(w.system.Level); // kept too: a few Sigma rules test Level
  const ed = take(ev, 'EventData');
  if (ed !== undefined) eventData(ed, w.data);
  const ud = take(ev, 'UserData');
  if (isPlainObject(ud)) userData(ud, w.data);
  const rendering = ev.RenderingInfo;
  if (isPlainObject(rendering) && typeof rendering.Message === 'string') {
    w.message = rendering.Message;
    delete rendering.Message;
  }
  delete ev['#attributes']; // the XML namespace
  for (const k of Object.keys(ev)) if (k.startsWith('@')) delete ev[k];
  if (Object.keys(ev).length > 0) setOwn(w.rest, 'Event', ev);
  return w;
}

/** NXLog's flat JSON and events already in Sigma's names: the fields stay where they are. */
function fromFlat(record: Record<string, unknown>, shape: WindowsShape): WinEvent {
  const w = blank(record);
  w.eventIdRaw = take(record, 'EventID');
  w.eventId = eventIdOf(w.eventIdRaw, w.system);
  w.channel = str(record.Channel);
  w.provider = str(record.Provider_Name) ?? str(record.SourceName);
  w.computer = str(record.Computer) ?? str(record.Hostname);
  w.fields = record;
  for (const k of shape === 'nxlog' ? ['EventTime', 'TimeCreated', '@timestamp'] : ['TimeCreated', 'SystemTime', '@timestamp', 'timestamp', 'EventTime']) {
    const v = textOf(record[k]);
    if (v !== undefined && parseTimestamp(v, 0) !== null) {
      w.time = v;
      delete record[k];
      break;
    }
  }
  w.level = shape === 'flat' ? smallInt(record.Level) : null;
  // NXLog's own words (Severity INFO/WARNING/ERROR/CRITICAL, EventType AUDIT_FAILURE…).
  if (w.level === null) w.levelText = record.Severity ?? record.EventType;
  const m = record.Message;
  if (typeof m === 'string') {
    w.message = m;
    delete record.Message;
  }
  return w;
}

function blank(rest: Record<string, unknown>): WinEvent {
  const data = {};
  return { eventId: null, eventIdRaw: undefined, channel: null, provider: null, computer: null, time: undefined, level: null, levelText: undefined, message: null, system: {}, data, fields: data, rest };
}

/** Fills the draft from the event read, and builds its attributes. */
function fill(w: WinEvent, draft: Draft, ctx: DecodeContext): void {
  if (w.time !== undefined) {
    const ts = parseTimestamp(w.time, ctx.receivedAt);
    if (ts !== null) {
      draft.ts = ts;
      draft.tsOriginal = w.time;
    }
  }
  const host = w.computer === null ? null : normalizeHost(w.computer);
  if (host !== null) draft.host = host;
  const level = w.level !== null ? (LEVELS[w.level] ?? null) : w.levelText !== undefined ? levelWord(w.levelText) : null;
  if (level !== null) draft.level = level;
  const d = w.fields;
  // Some providers name their data with blanks (Windows Defender's `New Value`, `Threat Name`,
  // `Process Name`); SigmaHQ's rules, like the tools they are tested with, write the names
  // without (`NewValue`, `ThreatName`, `ProcessName`). Renamed unless that name is taken.
  for (const k of Object.keys(d)) {
    if (!k.includes(' ')) continue;
    const name = k.replaceAll(' ', '');
    if (name === '' || Object.hasOwn(d, name)) continue;
    setOwn(d, name, d[k]);
    delete d[k];
  }
  // The image a process field of Sigma's map reads (Image, NewProcessName, ProcessName →
  // process), so rules on those names keep matching; otherwise the provider that logged it.
  // Application: the Filtering Platform's (5156 …) device path of the program.
  const image = meaningful(d.Image) ?? meaningful(d.NewProcessName) ?? meaningful(d.ProcessName) ?? meaningful(d.Application);
  const process = image ?? w.provider;
  if (process !== null) draft.process = process;
  // Sysmon writes decimal ids; the Security log hex ones (4688's NewProcessId, 4657's
  // ProcessId; 0x0 when none, as in logons), but the Filtering Platform's ProcessID (beside
  // its Application) decimal — NXLog's own ProcessID is the event log service's.
  const pid = decimal(d.ProcessId) ?? hex(d.NewProcessId) ?? (hex(d.ProcessId) || null) ?? (d.Application !== undefined ? decimal(d.ProcessID) : null);
  if (pid !== null) draft.pid = pid;
  // The account the event is about: the target of a logon (4624, 4625, 4648…) or of an
  // account change, else who acted (4688, 4672), else Sysmon's User.
  const user = meaningful(d.TargetUserName) ?? meaningful(d.SubjectUserName) ?? meaningful(d.User);
  if (user !== null) draft.user = user;
  const src = ip(d.IpAddress) ?? ip(d.SourceIp) ?? ip(d.SourceAddress);
  if (src !== null) draft.src_ip = src;
  const dst = ip(d.DestinationIp) ?? ip(d.DestAddress);
  if (dst !== null) draft.dst_ip = dst;
  const sport = port(d.IpPort) ?? port(d.SourcePort);
  if (sport !== null) draft.src_port = sport;
  const dport = port(d.DestinationPort) ?? port(d.DestPort);
  if (dport !== null) draft.dst_port = dport;
  if (draft.message === null || w.message !== null) draft.message = w.message ?? summary(w);

  // Unnamed EventData values (PowerShell classic's 400/600/800, many providers' events) are
  // param1 … paramN; SigmaHQ's rules read them as one list named `Data` (`Data|contains: …`).
  const f = w.fields;
  if (!Object.hasOwn(f, 'Data') && Object.hasOwn(f, 'param1')) {
    const list: unknown[] = [];
    for (let i = 1; Object.hasOwn(f, `param${i}`); i++) list.push(f[`param${i}`]);
    setOwn(f, 'Data', list);
  }

  const out = w.rest;
  for (const [k, v] of Object.entries(w.system)) setOwn(out, k, v);
  if (w.eventId !== null) setOwn(out, 'EventID', w.eventId);
  else if (w.eventIdRaw !== undefined) setOwn(out, 'EventID', w.eventIdRaw);
  if (w.channel !== null) setOwn(out, 'Channel', w.channel);
  if (w.provider !== null) setOwn(out, 'Provider_Name', w.provider);
  if (w.computer !== null) setOwn(out, 'Computer', w.computer);
  for (const [k, v] of Object.entries(w.data)) setOwn(out, k, v);
  draft.attributes = out;
}

/** When the shipper rendered no message: what the event is, for search and lists. */
function summary(w: WinEvent): string {
  const parts = [`Windows event ${w.eventId ?? '?'}`];
  if (w.provider !== null) parts.push(`from ${w.provider}`);
  if (w.channel !== null) parts.push(`(${w.channel})`);
  return parts.join(' ');
}

/**
 * The event id: a number, a numeric string, or an element with text and attributes
 * (`{"#text": "4625", "#attributes": {"Qualifiers": "0"}}`, `{"Value": "6011", "Qualifiers": "32768"}`,
 * xmltodict's `{"@Qualifiers": "…", "#text": "…"}`). Qualifiers go to `EventID_Qualifiers`.
 */
function eventIdOf(v: unknown, system: Record<string, unknown>): number | null {
  let id = v;
  if (isPlainObject(v)) {
    id = v['#text'] ?? v.Value ?? v.value;
    const q = attrOf(v, 'Qualifiers');
    if (q !== undefined && q !== null && q !== '') setOwn(system, 'EventID_Qualifiers', q);
  }
  if (typeof id === 'number') return Number.isInteger(id) && id >= 0 ? id : null;
  if (typeof id === 'string' && /^\d{1,10}$/.test(id.trim())) return Number(id.trim());
  return null;
}

/**
 * EventData: a map of names (evtx_dump, golang-evtx), or `Data` elements — an array of
 * `{"#attributes": {"Name": …}, "#text": …}` or xmltodict's `{"@Name": …, "#text": …}` (one
 * element comes as an object, not an array), or unnamed values, named `param1`, `param2`… as
 * Winlogbeat names them.
 */
function eventData(ed: unknown, out: Record<string, unknown>): void {
  if (!isPlainObject(ed)) {
    if (ed !== null) setOwn(out, 'EventData', ed);
    return;
  }
  for (const [k, v] of Object.entries(ed)) {
    if (k === '#attributes' || k.startsWith('@')) continue;
    if (k === 'Data') dataElements(v, out);
    else setOwn(out, k, isPlainObject(v) ? (textOf(v) ?? v) : v);
  }
}

function dataElements(v: unknown, out: Record<string, unknown>): void {
  const list = Array.isArray(v) ? v : isPlainObject(v) && Array.isArray(v['#text']) && attrOf(v, 'Name') === undefined ? v['#text'] : [v];
  let n = 0;
  for (const el of list) {
    n++;
    if (isPlainObject(el)) {
      const name = attrOf(el, 'Name');
      const text = textOf(el) ?? null;
      if (typeof name === 'string' && name !== '') setOwn(out, name, text);
      else if (text !== null) setOwn(out, `param${n}`, text);
    } else if (el !== null && el !== undefined) setOwn(out, `param${n}`, el);
  }
}

/** UserData holds one element (named by the provider) whose children are the fields. */
function userData(ud: Record<string, unknown>, out: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(ud)) {
    if (k === '#attributes' || k.startsWith('@')) continue;
    if (isPlainObject(v)) flatten(v, '', out);
    else setOwn(out, k, v);
  }
}

/**
 * Flattens an XML-as-JSON element: children and attributes (`#attributes`, `@name`) become
 * `Parent_Child` names (`Provider_Name`, `Execution_ProcessID`), an element's own text its
 * name. Namespace declarations are dropped.
 */
function flatten(o: Record<string, unknown>, prefix: string, out: Record<string, unknown>): void {
  const name = (k: string): string => (prefix === '' ? k : `${prefix}_${k}`);
  for (const [k, v] of Object.entries(o)) {
    if (k === '#attributes' && isPlainObject(v)) {
      for (const [a, av] of Object.entries(v)) if (a !== 'xmlns' && !a.startsWith('xmlns:')) setOwn(out, name(a), av);
    } else if (k === '#text') {
      if (prefix !== '') setOwn(out, prefix, v);
    } else if (k.startsWith('@')) {
      if (k !== '@xmlns' && !k.startsWith('@xmlns:')) setOwn(out, name(k.slice(1)), v);
    } else if (k === 'xmlns') {
      continue;
    } else if (isPlainObject(v)) flatten(v, name(k), out);
    else setOwn(out, name(k), v);
  }
}

function attrOf(o: Record<string, unknown>, name: string): unknown {
  const a = o['#attributes'];
  if (isPlainObject(a) && a[name] !== undefined) return a[name];
  return o[`@${name}`] ?? o[name];
}

/** An element's text: itself when scalar, else its `#text` (or golang-evtx's `Value`). */
function textOf(v: unknown): unknown {
  if (!isPlainObject(v)) return v;
  return v['#text'] ?? v.Value;
}

function take(o: Record<string, unknown>, k: string): unknown {
  const v = o[k];
  delete o[k];
  return v;
}

function str(v: unknown): string | null {
  const t = textOf(v);
  return typeof t === 'string' && t.trim() !== '' ? t : null;
}

/** A value Windows fills with `-` (or an empty string) when it has none. */
function meaningful(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' || t === '-' ? null : t;
}

function smallInt(v: unknown): number | null {
  const t = textOf(v);
  const n = typeof t === 'number' ? t : typeof t === 'string' && /^\d{1,2}$/.test(t.trim()) ? Number(t) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 255 ? n : null;
}

function levelWord(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const s = v.trim().toUpperCase();
  if (s === 'AUDIT_SUCCESS' || s === 'AUDIT_FAILURE') return 6;
  return parseLevel(v);
}

function decimal(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,10}$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 2 ** 31 - 1 ? n : null;
}

/** Security-log ids are written `0x1a2c`. */
function hex(v: unknown): number | null {
  if (typeof v !== 'string' || !/^0x[0-9a-f]{1,8}$/i.test(v)) return null;
  const n = parseInt(v.slice(2), 16);
  return n <= 2 ** 31 - 1 ? n : null;
}

function ip(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return isIp(t) ? t : null;
}

/** A port; 0 is what the Security log writes when there is none. */
function port(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,5}$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isInteger(n) && n > 0 && n <= 65535 ? n : null;
}
