import type { Draft } from '../decode/draft.js';
import { decodeWindowsEvent } from './windows-event.js';

/**
 * Sysmon for Linux's records as it writes them to syslog: the program `sysmon`, the message one
 * Windows event XML document (`<Event><System><Provider Name="Linux-Sysmon"/>…<EventData><Data
 * Name="Image">/usr/bin/dash</Data>…</EventData></Event>`). The XML is read into the evtx-JSON
 * shape and normalized as Windows events are (windows-event.ts): `EventID`, `Channel`
 * (`Linux-Sysmon/Operational`), `Computer` and every Data field by name in attributes, the image
 * in `process` — the names SigmaHQ's linux process_creation / network_connection / file_event
 * rules use, and what the linux logsource presets select on.
 *
 * A reader for this one generated shape, not an XML parser: elements without attributes under
 * System, the attributes of Provider and TimeCreated, and `Data Name=` elements; the five XML
 * entities and character references are decoded.
 */
const SYSTEM_TEXT = /<(EventID|Version|Level|Task|Opcode|Keywords|EventRecordID|Channel|Computer)(?:\s[^>]*)?>([^<]*)<\/\1>/g;
const DATA = /<Data Name="([^"]{1,128})"\s*(?:\/>|>([^<]*)<\/Data>)/g;

export function isSysmonXml(text: string): boolean {
  return text.startsWith('<Event') && text.includes('<System>') && text.endsWith('</Event>');
}

export function decodeSysmonXml(text: string, draft: Draft): boolean {
  if (!isSysmonXml(text) || text.length > 1 << 20) return false;
  const system: Record<string, unknown> = {};
  for (const m of text.matchAll(SYSTEM_TEXT)) system[m[1]!] = unescapeXml(m[2]!);
  if (system.EventID === undefined || system.Channel === undefined) return false;
  const provider = /<Provider\s+Name="([^"]*)"/.exec(text);
  if (provider) system.Provider = { '#attributes': { Name: unescapeXml(provider[1]!) } };
  const time = /<TimeCreated\s+SystemTime="([^"]*)"/.exec(text);
  if (time) system.TimeCreated = { '#attributes': { SystemTime: time[1] } };
  const data: Record<string, unknown> = {};
  for (const m of text.matchAll(DATA)) if (m[1] !== '__proto__') data[m[1]!] = m[2] === undefined ? null : unescapeXml(m[2]);
  const parser = draft.parser;
  // The Windows decoder claims `windows>evtx`; this record is Sysmon for Linux's.
  decodeWindowsEvent({ Event: { System: system, EventData: data } }, 'evtx', draft, { receivedAt: draft.ts ?? 0 });
  draft.parser = parser;
  return true;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function unescapeXml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|lt|gt|amp|quot|apos);/g, (all, e: string) => {
    if (e[0] !== '#') return ENTITIES[e] ?? all;
    const n = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : all;
  });
}
