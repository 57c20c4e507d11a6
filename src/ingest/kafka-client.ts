import { readFileSync } from 'node:fs';
import { Kafka, logLevel as KafkaLogLevel, type KafkaConfig as KafkaJsConfig, type SASLOptions } from 'kafkajs';
import type { FrozenConfig } from '../config/load.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * Builds the kafkajs client from config: brokers, TLS (CA, client cert/key) and SASL
 * (PLAIN, SCRAM-SHA-256/512). The only place that turns config into kafkajs options.
 * kafkajs' own log lines are routed to logagg's logger (warn and above).
 */
export function createKafka(cfg: FrozenConfig['kafka'], logger: Logger): Kafka {
  return new Kafka(kafkaOptions(cfg, logger));
}

export function kafkaOptions(cfg: FrozenConfig['kafka'], logger: Logger): KafkaJsConfig {
  const options: KafkaJsConfig = {
    clientId: cfg.client_id,
    brokers: [...cfg.brokers],
    logLevel: KafkaLogLevel.WARN,
    logCreator: () => (entry) => {
      const { message, ...rest } = entry.log;
      const fields = { kafka: entry.namespace, ...rest };
      // "Response …" lines are protocol errors kafkajs retries itself (e.g. the group coordinator
      // of a just-started broker); they are worth a warning, not an error.
      if (entry.level <= KafkaLogLevel.ERROR && !message.startsWith('Response ')) logger.error(`kafka: ${message}`, fields);
      else logger.warn(`kafka: ${message}`, fields);
    },
    retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000 },
  };
  if (cfg.ssl.enabled) {
    options.ssl = {
      rejectUnauthorized: cfg.ssl.reject_unauthorized,
      ...(cfg.ssl.ca_file ? { ca: [readPem(cfg.ssl.ca_file, 'kafka.ssl.ca_file')] } : {}),
      ...(cfg.ssl.cert_file ? { cert: readPem(cfg.ssl.cert_file, 'kafka.ssl.cert_file') } : {}),
      ...(cfg.ssl.key_file ? { key: readPem(cfg.ssl.key_file, 'kafka.ssl.key_file') } : {}),
    };
  }
  if (cfg.sasl.mechanism !== 'none') {
    const password = cfg.sasl.password_file ? readPem(cfg.sasl.password_file, 'kafka.sasl.password_file').trim() : cfg.sasl.password;
    options.sasl = { mechanism: cfg.sasl.mechanism, username: cfg.sasl.username, password } as SASLOptions;
  }
  return options;
}

function readPem(file: string, key: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([{ key, message: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
  }
}
