/** Alert notifications: the public surface. docs/notify.md describes the feature. */
export { createNotifyService, senderSettings, enqueueSettings, type NotifyService, type NotifySettings } from './notify-service.js';
export { notifyStatus, listDeliveries, type ChannelStatus, type Delivery, type DeliveryFilter } from '../store/notify-status.js';
export { NotifySender, type SenderSettings } from './sender.js';
export { resolveChannels, maskNotifyConfig } from './secrets.js';
export { TRANSPORTS, deliver, channelSecrets, type Channel } from './transports.js';
export { httpSender, DeliveryError } from './http-send.js';
export { sampleMessage } from '../core/message-view.js';
export * from './types.js';
