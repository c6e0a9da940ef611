/**
 * Questions that are not questions: SQL, markup or script, shell commands, attempts to
 * re-instruct a language model, or text too long to be a question. They are refused (and
 * recorded as a security event by ask.ts) before any parsing: nothing of the question is
 * ever run, and the refusal names the kind of payload, not its text.
 */

/** Longer than any real question (the longest in the development set is under 150 characters). */
export const MAX_QUESTION_CHARS = 500;
export const MAX_QUESTION_WORDS = 80;

export interface SafetyVerdict {
  /** Stable reason code, also the security event's detail. */
  reason: 'too_long' | 'sql' | 'script' | 'shell' | 'prompt_injection' | 'control_characters' | 'empty';
  message: string;
}

const checks: Array<{ reason: SafetyVerdict['reason']; pattern: RegExp; message: string }> = [
  {
    reason: 'sql',
    pattern:
      /\bselect\s+(\*|distinct\b|count\s*\(|[a-z_]+\s*,)|\bselect\b[\s\S]*\bfrom\b[\s\S]*(\bwhere\b|;|--|\blimit\b|\bjoin\b)|\b(drop|alter|truncate)\s+(table|database|schema|index|view)\b|\binsert\s+into\b|\bdelete\s+from\b|\bupdate\s+[a-z_]+\s+set\b|\bunion\s+(all\s+)?select\b|(['"`]\s*;)|(;\s*--)|(\bor\s+'?\d+'?\s*=\s*'?\d+)|(\/\*[\s\S]*\*\/)|\bpg_sleep\b|\binformation_schema\b|\bsqlite_master\b|\bxp_cmdshell\b/i,
    message: 'it contains SQL',
  },
  {
    reason: 'script',
    pattern:
      /<\s*\/?\s*(script|iframe|img|svg|object|embed|style|link|meta|body|html|a\s)[^>]*>?|javascript:|\bon(error|load|click|mouseover)\s*=|\{\{[\s\S]*\}\}|\$\{[\s\S]*\}/i,
    message: 'it contains markup or script',
  },
  {
    reason: 'shell',
    pattern:
      /\$\([\s\S]*\)|`[^`]*`|\b(rm\s+-[rf]+|sudo\s|chmod\s|chown\s|curl\s+\S|wget\s+\S|nc\s+-|bash\s+-c|sh\s+-c|powershell|cmd\.exe|\/etc\/passwd|\/bin\/(ba)?sh)|(;|&&|\|\|)\s*(rm|cat|ls|curl|wget|sh|bash|python|node|nc)\b|\|\s*(sh|bash)\b/i,
    message: 'it contains a shell command',
  },
  {
    reason: 'prompt_injection',
    pattern:
      /\b(ignore|disregard|forget|override|bypass)\b\s+(all\s+|any\s+|the\s+|your\s+|my\s+)?(of\s+)?(the\s+|your\s+)?((previous|prior|above|earlier|preceding|system|these|those|original)\s+)?(instructions?|rules|prompts?|guidelines|directions|context|everything)\b|\b(system|developer|hidden|initial)\s+(prompt|message|instructions?)\b|\b(developer|god|dan|jailbreak|admin|debug|sudo)\s+mode\b|\byou\s+are\s+now\b|\bpretend\s+(to\s+be|you)\b|\bjailbreak\b|\b(print|show|reveal|dump|list|output|give\s+me|tell\s+me)\b[\s\S]{0,30}\b(passwords?|password\s+hashes|secrets?|api\s+keys?|credentials|system\s+prompt)\b/i,
    message: 'it tries to give instructions instead of asking about the data',
  },
];

/** A reason to refuse the question, or null when it may be parsed. */
export function checkQuestion(question: string): SafetyVerdict | null {
  const text = question.trim();
  if (text.length === 0) return { reason: 'empty', message: 'the question is empty' };
  if (text.length > MAX_QUESTION_CHARS || text.split(/\s+/).length > MAX_QUESTION_WORDS) {
    return { reason: 'too_long', message: `questions are limited to ${MAX_QUESTION_CHARS} characters and ${MAX_QUESTION_WORDS} words` };
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) return { reason: 'control_characters', message: 'it contains control characters' };
  for (const check of checks) if (check.pattern.test(text)) return { reason: check.reason, message: check.message };
  return null;
}
