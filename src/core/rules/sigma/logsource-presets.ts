/**
 * The built-in Sigma logsource presets: for a rule's `logsource` (product / service / category),
 * the condition an event must meet before the rule's detection is tried, and the field names
 * the rule's detection reads there. Pure data; logsource-scope.ts compiles it.
 *
 * Sources, so the table can be checked against them:
 * - Windows services → event log channels: pySigma's `windows_logsource_mapping`
 *   (SigmaHQ/pySigma, sigma/pipelines/common.py), as pySigma-pipeline-windows' `windows_pipeline`
 *   adds them (`Channel: <name>`).
 * - PowerShell categories (ps_module 4103, ps_script 4104, ps_classic_start 400,
 *   ps_classic_provider_start 600, ps_classic_script 800): pySigma-pipeline-windows,
 *   `windows_generic_category_channel_mapping`.
 * - Sysmon categories → EventID: pySigma-pipeline-sysmon, `sysmon_generic_logsource_eventid_mapping`
 *   (process_creation 1, network_connection 3, registry_event 12–14, dns_query 22 …).
 * - process_creation from Security 4688 and its names (Image → NewProcessName, ParentImage →
 *   ParentProcessName, LogonId → SubjectLogonId): pySigma-pipeline-windows' `windows_audit_pipeline`;
 *   registry_set / registry_event / registry_delete from Security 4657 likewise (its registry
 *   items); network_connection from Security 5156, which pySigma does not map (logagg's own).
 * - Linux: Sysmon for Linux logs to `Linux-Sysmon/Operational` with Sysmon's event ids and names
 *   (SigmaHQ's linux process_creation / network_connection / file_event rules are written for
 *   it); auditd rules use auditd's own record names (`type`, `exe`, `a0`, `key` …), which logagg
 *   keeps under `auditd.type` / `auditd.data` (src/core/recognize/auditd-record.ts); the syslog
 *   services are the programs logagg recognizes (src/core/recognize/programs/).
 * - webserver / proxy / firewall: SigmaHQ's logsource taxonomy (W3C names `cs-uri-query`,
 *   `c-uri`, `sc-status` …) onto the fields the access-log, W3C, squid and netfilter/pf/ASA
 *   recognizers write (src/core/recognize/web-fields.ts).
 *
 * `when` is a Sigma detection over **logagg field paths** (no field map): selections and a
 * condition, null for none. `fields` maps Sigma names onto logagg paths for the rules of that
 * logsource; a target may list alternatives (`a|b`: the first with a value), name a derived value
 * (`@auditd.command_line`), and the key `*` maps every name no other entry maps (`*` in the target
 * is replaced by the name).
 */
export interface LogsourceKey {
  product?: string;
  service?: string;
  category?: string;
}

export interface LogsourcePreset {
  /** Applies to every rule whose logsource has these parts (and maybe others). */
  logsource: LogsourceKey;
  /** What the event must meet (a Sigma detection over logagg paths), or null for nothing. */
  when: Readonly<Record<string, unknown>> | null;
  /** Sigma field name → logagg path(s) for the rules of this logsource. */
  fields?: Readonly<Record<string, string>>;
}

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';
const LINUX_SYSMON = 'Linux-Sysmon/Operational';

/** pySigma's windows_logsource_mapping (sigma/pipelines/common.py), service → Channel. */
export const WINDOWS_SERVICE_CHANNELS: Readonly<Record<string, string | readonly string[]>> = {
  security: 'Security',
  application: 'Application',
  system: 'System',
  sysmon: SYSMON,
  powershell: ['Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational'],
  'powershell-classic': 'Windows PowerShell',
  taskscheduler: 'Microsoft-Windows-TaskScheduler/Operational',
  wmi: 'Microsoft-Windows-WMI-Activity/Operational',
  'dns-server': 'DNS Server',
  'dns-server-audit': 'Microsoft-Windows-DNS-Server/Audit',
  'dns-server-analytic': 'Microsoft-Windows-DNS-Server/Analytical',
  'driver-framework': 'Microsoft-Windows-DriverFrameworks-UserMode/Operational',
  ntlm: 'Microsoft-Windows-NTLM/Operational',
  dhcp: 'Microsoft-Windows-DHCP-Server/Operational',
  'msexchange-management': 'MSExchange Management',
  applocker: [
    'Microsoft-Windows-AppLocker/MSI and Script',
    'Microsoft-Windows-AppLocker/EXE and DLL',
    'Microsoft-Windows-AppLocker/Packaged app-Deployment',
    'Microsoft-Windows-AppLocker/Packaged app-Execution',
  ],
  'printservice-admin': 'Microsoft-Windows-PrintService/Admin',
  'printservice-operational': 'Microsoft-Windows-PrintService/Operational',
  'codeintegrity-operational': 'Microsoft-Windows-CodeIntegrity/Operational',
  'smbclient-security': 'Microsoft-Windows-SmbClient/Security',
  'firewall-as': 'Microsoft-Windows-Windows Firewall With Advanced Security/Firewall',
  'bits-client': 'Microsoft-Windows-Bits-Client/Operational',
  windefend: 'Microsoft-Windows-Windows Defender/Operational',
  'terminalservices-localsessionmanager': 'Microsoft-Windows-TerminalServices-LocalSessionManager/Operational',
  'microsoft-servicebus-client': 'Microsoft-ServiceBus-Client',
  ldap_debug: 'Microsoft-Windows-LDAP-Client/Debug',
  'security-mitigations': ['Microsoft-Windows-Security-Mitigations/Kernel Mode', 'Microsoft-Windows-Security-Mitigations/User Mode'],
  'diagnosis-scripted': 'Microsoft-Windows-Diagnosis-Scripted/Operational',
  'shell-core': 'Microsoft-Windows-Shell-Core/Operational',
  openssh: 'OpenSSH/Operational',
  bitlocker: 'Microsoft-Windows-BitLocker/BitLocker Management',
  // Added to pySigma's table later (sigma/pipelines/common.py).
  vhdmp: 'Microsoft-Windows-VHDMP/Operational',
  'appxdeployment-server': 'Microsoft-Windows-AppXDeploymentServer/Operational',
  'lsa-server': 'Microsoft-Windows-LSA/Operational',
  'appxpackaging-om': 'Microsoft-Windows-AppxPackaging/Operational',
  'dns-client': 'Microsoft-Windows-DNS Client Events/Operational',
  'appmodel-runtime': 'Microsoft-Windows-AppModel-Runtime/Admin',
  capi2: 'Microsoft-Windows-CAPI2/Operational',
  'certificateservicesclient-lifecycle-system': 'Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational',
};

/** pySigma-pipeline-sysmon's sysmon_generic_logsource_eventid_mapping, category → EventID(s). */
export const SYSMON_CATEGORY_EVENTS: Readonly<Record<string, number | readonly number[]>> = {
  process_creation: 1,
  file_change: 2,
  network_connection: 3,
  sysmon_status: [4, 16],
  process_termination: 5,
  driver_load: 6,
  image_load: 7,
  create_remote_thread: 8,
  raw_access_thread: 9,
  process_access: 10,
  file_event: 11,
  registry_add: 12,
  registry_delete: 12,
  registry_set: 13,
  registry_rename: 14,
  registry_event: [12, 13, 14],
  create_stream_hash: 15,
  pipe_created: [17, 18],
  wmi_event: [19, 20, 21],
  dns_query: 22,
  file_delete: [23, 26],
  clipboard_change: 24,
  process_tampering: 25,
  file_block_executable: 27,
  file_block_shredding: 28,
  file_executable_detected: 29,
  sysmon_error: 255,
};

/** pySigma-pipeline-windows' windows_generic_category_channel_mapping. */
export const POWERSHELL_CATEGORIES: Readonly<Record<string, { service: string; EventID: number }>> = {
  ps_module: { service: 'powershell', EventID: 4103 },
  ps_script: { service: 'powershell', EventID: 4104 },
  ps_classic_start: { service: 'powershell-classic', EventID: 400 },
  ps_classic_provider_start: { service: 'powershell-classic', EventID: 600 },
  ps_classic_script: { service: 'powershell-classic', EventID: 800 },
};

/** Linux categories Sysmon for Linux logs (its event ids are Sysmon's). */
const LINUX_SYSMON_CATEGORIES = ['process_creation', 'network_connection', 'process_termination', 'file_event', 'file_delete', 'raw_access_thread'];

/**
 * A Windows event log record as src/core/recognize/windows-event.ts normalizes every shape:
 * an EventID with a Channel or a provider — and not Sysmon for Linux, which shares the shape.
 */
const WINDOWS_RECORD = {
  id: { 'attributes.EventID|exists': true },
  channel: { 'attributes.Channel|exists': true },
  provider: { 'attributes.Provider_Name|exists': true },
  linux: { 'attributes.Channel': LINUX_SYSMON },
};

const isWindows = { ...WINDOWS_RECORD, condition: 'id and (channel or provider) and not linux' };
const notWindows = { ...WINDOWS_RECORD, condition: 'not (id and (channel or provider) and not linux)' };

function channelIs(channel: string | readonly string[], ids?: number | readonly number[]): Record<string, unknown> {
  return { sel: { 'attributes.Channel': channel, ...(ids === undefined ? {} : { 'attributes.EventID': ids }) }, condition: 'sel' };
}

/** Security 4688 under Sysmon 1's names (pySigma-pipeline-windows' windows_audit_pipeline, reversed). */
const PROCESS_CREATION_FIELDS: Readonly<Record<string, string>> = {
  Image: 'attributes.Image|attributes.NewProcessName',
  ParentImage: 'attributes.ParentImage|attributes.ParentProcessName',
  LogonId: 'attributes.LogonId|attributes.SubjectLogonId',
  User: 'attributes.User|@windows.subject_user',
  // 4688 carries the label's SID (S-1-16-12288); SigmaHQ's rules list the SIDs beside the words.
  IntegrityLevel: 'attributes.IntegrityLevel|attributes.MandatoryLabel',
};

/**
 * Security 4657 ("A registry value was modified") under Sysmon 12–14's names: pySigma-pipeline-
 * windows' `windows_audit_pipeline` maps TargetObject → ObjectName and Image → ProcessName and
 * Details → NewValue; logagg gives TargetObject and Details in Sysmon's own form (hive `HKLM\`,
 * the value name appended, `DWORD (0x…)`), so rules written for Sysmon match, and derives
 * EventType (SetValue / DeleteValue) and User from the event.
 */
const REGISTRY_FIELDS: Readonly<Record<string, string>> = {
  TargetObject: 'attributes.TargetObject|@windows.registry_target',
  Details: 'attributes.Details|@windows.registry_details',
  EventType: 'attributes.EventType|@windows.registry_event_type',
  Image: 'attributes.Image|attributes.ProcessName',
  User: 'attributes.User|@windows.subject_user',
};

/**
 * Security 5156 ("The Windows Filtering Platform has permitted a connection") under Sysmon 3's
 * names. Application is a device path (`\device\harddiskvolume2\…\app.exe`): `Image|endswith`
 * matches it, a drive letter (`C:\…`) does not.
 */
const NETWORK_FIELDS: Readonly<Record<string, string>> = {
  Image: 'attributes.Image|attributes.Application',
  SourceIp: 'attributes.SourceIp|attributes.SourceAddress',
  DestinationIp: 'attributes.DestinationIp|attributes.DestAddress',
  SourcePort: 'attributes.SourcePort',
  DestinationPort: 'attributes.DestinationPort|attributes.DestPort',
  Initiated: 'attributes.Initiated|@windows.wfp_initiated',
  Protocol: '@windows.wfp_protocol',
};

/** 4657's OperationType, as written (%%1904 …) and as rendered. */
const VALUE_SET = ['%%1904', '%%1905', 'New registry value created', 'Existing registry value modified'];
const VALUE_DELETED = ['%%1906', 'Registry value deleted'];

/**
 * Sysmon categories also read from the Security log: the EventID (and OperationType) there, and
 * the field names. registry_set takes new and modified values, as Sysmon 13 does (pySigma: only
 * modified; its registry_add, new values, is Sysmon 12's key creation, which 4657 does not log).
 */
const SECURITY_CATEGORY_EVENTS: Readonly<Record<string, { when: Record<string, unknown>; fields: Readonly<Record<string, string>> }>> = {
  network_connection: { when: { 'attributes.EventID': 5156 }, fields: NETWORK_FIELDS },
  registry_set: { when: { 'attributes.EventID': 4657, 'attributes.OperationType': VALUE_SET }, fields: REGISTRY_FIELDS },
  registry_delete: { when: { 'attributes.EventID': 4657, 'attributes.OperationType': VALUE_DELETED }, fields: REGISTRY_FIELDS },
  registry_event: { when: { 'attributes.EventID': 4657, 'attributes.OperationType': [...VALUE_SET, ...VALUE_DELETED] }, fields: REGISTRY_FIELDS },
};

/** auditd's argv (EXECVE a0 … aN) and the image (SYSCALL exe, else EXECVE a0) for process_creation. */
const AUDITD_PROCESS_FIELDS: Readonly<Record<string, string>> = {
  Image: 'attributes.Image|attributes.auditd.data.exe|attributes.auditd.data.a0',
  CommandLine: 'attributes.CommandLine|@auditd.command_line',
  ProcessId: 'attributes.ProcessId|attributes.auditd.data.pid',
  ParentProcessId: 'attributes.ParentProcessId|attributes.auditd.data.ppid',
  User: 'attributes.User|attributes.auditd.data.UID|attributes.auditd.data.uid',
  LogonId: 'attributes.LogonId|attributes.auditd.data.ses',
  CurrentDirectory: 'attributes.CurrentDirectory|attributes.auditd.data.cwd',
};

/** W3C extended log names (SigmaHQ's webserver and proxy rules) onto the web fields. */
const WEB_FIELDS: Readonly<Record<string, string>> = {
  'cs-method': 'attributes.http.request.method',
  'cs-uri-stem': 'attributes.url.path',
  'cs-uri-query': 'attributes.url.query',
  'cs-uri': 'attributes.url.original',
  'c-uri': 'attributes.url.original',
  'c-uri-stem': 'attributes.url.path',
  'c-uri-query': 'attributes.url.query',
  'c-uri-extension': 'attributes.url.extension',
  'sc-status': 'attributes.http.response.status_code',
  'cs-referrer': 'attributes.http.request.referrer',
  'cs-referer': 'attributes.http.request.referrer',
  'cs-user-agent': 'attributes.user_agent.original',
  'c-useragent': 'attributes.user_agent.original',
  'cs-version': 'attributes.http.version',
  'sc-bytes': 'attributes.http.response.body.bytes',
  'cs-host': 'domain|attributes.url.domain',
  'cs-mime-type': 'attributes.http.response.mime_type',
};

function build(): LogsourcePreset[] {
  const out: LogsourcePreset[] = [];
  out.push({ logsource: { product: 'windows' }, when: isWindows });
  for (const [service, channel] of Object.entries(WINDOWS_SERVICE_CHANNELS)) {
    out.push({ logsource: { product: 'windows', service }, when: channelIs(channel) });
  }
  for (const [category, ids] of Object.entries(SYSMON_CATEGORY_EVENTS)) {
    if (category === 'process_creation') continue;
    const audit = SECURITY_CATEGORY_EVENTS[category];
    if (audit === undefined) out.push({ logsource: { product: 'windows', category }, when: channelIs(SYSMON, ids) });
    else {
      out.push({
        logsource: { product: 'windows', category },
        when: { sysmon: { 'attributes.Channel': SYSMON, 'attributes.EventID': ids }, security: { 'attributes.Channel': 'Security', ...audit.when }, condition: 'sysmon or security' },
        fields: audit.fields,
      });
    }
  }
  out.push({
    logsource: { product: 'windows', category: 'process_creation' },
    when: {
      sysmon: { 'attributes.Channel': SYSMON, 'attributes.EventID': 1 },
      security: { 'attributes.Channel': 'Security', 'attributes.EventID': 4688 },
      condition: 'sysmon or security',
    },
    fields: PROCESS_CREATION_FIELDS,
  });
  for (const [category, { service, EventID }] of Object.entries(POWERSHELL_CATEGORIES)) {
    out.push({ logsource: { product: 'windows', category }, when: channelIs(WINDOWS_SERVICE_CHANNELS[service] as string | readonly string[], EventID) });
  }

  out.push({ logsource: { product: 'linux' }, when: notWindows });
  for (const category of LINUX_SYSMON_CATEGORIES) {
    if (category === 'process_creation') continue;
    out.push({ logsource: { product: 'linux', category }, when: channelIs(LINUX_SYSMON, SYSMON_CATEGORY_EVENTS[category]) });
  }
  out.push({
    logsource: { product: 'linux', category: 'process_creation' },
    when: {
      sysmon: { 'attributes.Channel': LINUX_SYSMON, 'attributes.EventID': 1 },
      execve: { 'attributes.auditd.type': 'EXECVE' },
      // execve (59) and execveat (322) on x86_64, 11 / 358 on i386, 221 / 281 on arm64.
      syscall: { 'attributes.auditd.type': 'SYSCALL', 'attributes.auditd.data.syscall': ['59', '322', 'execve', 'execveat'] },
      condition: '1 of them',
    },
    fields: AUDITD_PROCESS_FIELDS,
  });
  out.push({
    logsource: { product: 'linux', service: 'auditd' },
    when: { sel: { 'attributes.auditd.type|exists': true }, condition: 'sel' },
    fields: { type: 'attributes.auditd.type', '*': 'attributes.auditd.data.*' },
  });
  const programs: Record<string, string[]> = {
    sshd: ['sshd', 'sshd-session'],
    sudo: ['sudo'],
    cron: ['cron', 'crond', 'anacron'],
    vsftpd: ['vsftpd'],
    clamav: ['clamd', 'freshclam', 'clamav-milter', 'clamscan'],
    guacamole: ['guacd', 'guacamole'],
    // The authentication programs that write auth.log.
    auth: ['sshd', 'sshd-session', 'sudo', 'su', 'login', 'passwd', 'chpasswd', 'useradd', 'userdel', 'usermod', 'groupadd', 'groupdel', 'chage', 'systemd-logind', 'polkitd', 'pkexec', 'unix_chkpwd', 'gdm-password', 'lightdm'],
  };
  for (const [service, procs] of Object.entries(programs)) {
    out.push({ logsource: { product: 'linux', service }, when: { sel: { process: procs }, condition: 'sel' } });
  }
  out.push({ logsource: { product: 'linux', service: 'syslog' }, when: { sel: { format: ['syslog3164', 'syslog5424'] }, condition: 'sel' } });

  out.push({ logsource: { category: 'webserver' }, when: { sel: { 'attributes.event.action': 'http-request' }, condition: 'sel' }, fields: WEB_FIELDS });
  out.push({ logsource: { category: 'proxy' }, when: { sel: { 'attributes.event.action': 'proxy-request' }, condition: 'sel' }, fields: WEB_FIELDS });
  out.push({
    logsource: { category: 'firewall' },
    when: { sel: { 'attributes.event.action|startswith': 'firewall-' }, condition: 'sel' },
    fields: { action: 'attributes.event.action', src_ip: 'src_ip', dst_ip: 'dst_ip', src_port: 'src_port', dst_port: 'dst_port' },
  });
  return out;
}

export const BUILTIN_LOGSOURCE_PRESETS: readonly LogsourcePreset[] = Object.freeze(build());

/** `product:windows,category:process_creation`: the key naming a logsource in config and reports. */
export function logsourceKeyText(k: LogsourceKey): string {
  return (['product', 'service', 'category'] as const)
    .filter((p) => k[p] !== undefined)
    .map((p) => `${p}:${k[p]}`)
    .join(',');
}

/** Reads a config key (`product:linux,service:sshd`); null when it is not one. */
export function parseLogsourceKey(text: string): LogsourceKey | null {
  const out: LogsourceKey = {};
  for (const part of text.split(',')) {
    const m = /^\s*(product|service|category):(\S+)\s*$/.exec(part);
    if (m === null || out[m[1] as keyof LogsourceKey] !== undefined) return null;
    out[m[1] as keyof LogsourceKey] = m[2] as string;
  }
  return Object.keys(out).length > 0 ? out : null;
}

/** Whether a rule's logsource has every part of `key` (compared case-insensitively). */
export function logsourceCovers(rule: LogsourceKey, key: LogsourceKey): boolean {
  return (['product', 'service', 'category'] as const).every((p) => key[p] === undefined || (rule[p] ?? '').toLowerCase() === key[p]!.toLowerCase());
}
