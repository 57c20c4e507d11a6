import { DistinctWindow, TimestampWindow } from './time-windows.js';
import { Ewma, RollingMad } from './baseline.js';
import { LruMap } from './lru-map.js';
import { TimeWindow } from '../rules/sigma/time-window.js';
import { StateCodec } from './state-codec.js';

/** The codec for every rule kind's state: the classes their states are made of. */
export const DETECTION_STATE_CODEC = new StateCodec({ LruMap, TimestampWindow, DistinctWindow, Ewma, RollingMad, SigmaTimeWindow: TimeWindow });
