/**
 * A Windows event record as SigmaHQ publishes its regression samples (evtx-JSON, as evtx_dump
 * writes it: `Event.System`, `Event.EventData`) re-shaped as the other shippers deliver it:
 * Winlogbeat ECS (`winlog.{channel, provider_name, event_id, event_data, user_data}`) and flat
 * Sigma names. Used by `npm run sigma:regression` and the SigmaHQ regression test.
 * Not part of the appliance.
 */
type Obj = Record<string, unknown>;

export type SampleShape = 'evtx-JSON' | 'syslog' | 'Winlogbeat ECS' | 'flat';

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const attr = (o: unknown, n: string): unknown => (isObj(o) ? (o['#attributes'] as Obj | undefined)?.[n] : undefined);

/** Whether the record is evtx-JSON (`Event.System`), which the other shapes are made from. */
export function isEvtxJson(ev: unknown): ev is Obj {
  return isObj(ev) && isObj(ev['Event']) && isObj((ev['Event'] as Obj)['System']);
}

/** The record as Winlogbeat ships it. */
export function toWinlogbeat(ev: Obj): Obj {
  const e = ev['Event'] as Obj;
  const s = e['System'] as Obj;
  const data: Obj = {};
  for (const [k, v] of Object.entries((e['EventData'] as Obj | undefined) ?? {})) {
    if (k === '#attributes') continue;
    if (k !== 'Data') data[k] = v;
    else {
      const inner = isObj(v) ? v['#text'] : undefined;
      const list = Array.isArray(v) ? v : Array.isArray(inner) && attr(v, 'Name') === undefined ? inner : [v];
      list.forEach((el, i) => {
        const name = attr(el, 'Name');
        data[typeof name === 'string' ? name : `param${i + 1}`] = isObj(el) ? el['#text'] : el;
      });
    }
  }
  let userData: Obj | undefined;
  for (const [k, v] of Object.entries((e['UserData'] as Obj | undefined) ?? {})) {
    if (k !== '#attributes' && isObj(v)) userData = Object.fromEntries(Object.entries(v).filter(([n]) => n !== '#attributes'));
  }
  const id = s['EventID'];
  return {
    '@timestamp': attr(s['TimeCreated'], 'SystemTime'),
    host: { name: s['Computer'] },
    winlog: {
      channel: s['Channel'],
      provider_name: attr(s['Provider'], 'Name'),
      event_id: String(isObj(id) ? id['#text'] : id),
      computer_name: s['Computer'],
      record_id: s['EventRecordID'],
      ...(Object.keys(data).length ? { event_data: data } : {}),
      ...(userData ? { user_data: userData } : {}),
    },
  };
}

/** The record already flattened to Sigma's names. */
export function toFlat(ev: Obj): Obj {
  const w = toWinlogbeat(ev)['winlog'] as Obj;
  return { EventID: Number(w['event_id']), Channel: w['channel'], Provider_Name: w['provider_name'], Computer: w['computer_name'], ...(w['event_data'] as Obj), ...(w['user_data'] as Obj) };
}

/** The message bytes of one record in a shape; null when the shape cannot be made from it. */
export function shapeMessage(record: unknown, shape: SampleShape): Buffer | null {
  if (shape === 'syslog') return typeof record === 'string' ? Buffer.from(record) : null;
  if (shape === 'evtx-JSON') return typeof record === 'string' ? null : Buffer.from(JSON.stringify(record));
  if (!isEvtxJson(record)) return null;
  return Buffer.from(JSON.stringify(shape === 'flat' ? toFlat(record) : toWinlogbeat(record)));
}
