export interface BrokerMetadata {
  brokers: { nodeId: number; host: string; port: number }[];
  clusterId: string | null;
  controllerId: number;
}
export function probeMetadata(host: string, port: number, timeoutMs?: number): Promise<BrokerMetadata>;
export function waitForBroker(
  host: string,
  port: number,
  options?: { timeoutMs?: number; intervalMs?: number; isAlive?: () => boolean },
): Promise<BrokerMetadata>;
