/**
 * 100 Sigma-format rules for the detection benchmark: realistic shapes (contains, startswith,
 * endswith, regex, CIDR, keyword lists, `1 of`, `not` filters) over the fields the sample
 * messages carry, most of which never match — like a real rule set. Not part of the appliance.
 */
const PROCS = ['mimikatz', 'psexec', 'certutil', 'bitsadmin', 'rundll32', 'regsvr32', 'mshta', 'wmic', 'vssadmin', 'schtasks'];
const WORDS = ['password', 'denied', 'invalid', 'overflow', 'segfault', 'privilege', 'sudo', 'token', 'exploit', 'injection'];

function uuid(i: number): string {
  const h = (i * 2654435761 >>> 0).toString(16).padStart(8, '0');
  return `${h}-0000-4000-8000-${String(i).padStart(12, '0')}`;
}

export function benchSigmaRules(count = 100): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const p = PROCS[i % PROCS.length] as string;
    const w = WORDS[i % WORDS.length] as string;
    let detection: string;
    switch (i % 5) {
      case 0:
        detection = `    selection:\n        Image|endswith:\n            - '\\\\${p}.exe'\n            - '/${p}'\n    condition: selection`;
        break;
      case 1:
        detection = `    selection:\n        message|contains|all:\n            - '${w}'\n            - 'user ${i}'\n    filter:\n        User: 'svc-backup'\n    condition: selection and not filter`;
        break;
      case 2:
        detection = `    selection_ip:\n        SourceIp|cidr: '198.51.${i % 256}.0/24'\n    selection_port:\n        DestinationPort:\n            - ${1000 + i}\n            - ${2000 + i}\n    condition: 1 of selection_*`;
        break;
      case 3:
        detection = `    keywords:\n        - '${w} failure ${i}'\n        - '*${p} --inject*'\n    condition: keywords`;
        break;
      default:
        detection = `    selection:\n        CommandLine|re: '(?i)${p}\\s+-{1,2}e(nc|ncodedcommand)\\s+[a-z0-9+/=]{${40 + i},}'\n        User|startswith: 'adm'\n    condition: selection`;
    }
    out.push(`title: Bench rule ${i} ${p} ${w}
id: ${uuid(i + 1)}
status: test
description: Benchmark rule ${i}.
logsource:
    product: linux
detection:
${detection}
level: ${['low', 'medium', 'high', 'critical'][i % 4]}
`);
  }
  return out;
}
