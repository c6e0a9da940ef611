import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { commonPasswords, weakPasswordReason } from '../../src/auth/password-strength.js';
import { checkNewPassword, generatePassword } from '../../src/auth/passwords.js';
import { MmError } from '../../src/errors.js';

function refusal(password: string, username = 'sam'): string | null {
  try {
    checkNewPassword(username, password);
    return null;
  } catch (error) {
    assert.ok(error instanceof MmError && error.code === 'MM_PASSWORD_WEAK', String(error));
    return error.message;
  }
}

describe('trivially weak passwords are refused with the reason', () => {
  test('whitespace, repetition, sequences and keyboard walks', () => {
    const whitespace = 'the password is too easy to guess: it is only whitespace; choose several unrelated words instead';
    assert.equal(refusal(' '.repeat(12)), whitespace);
    assert.equal(refusal('\t'.repeat(6) + ' '.repeat(6)), refusal(' '.repeat(12)));
    assert.match(refusal('aaaaaaaaaaaa')!, /too easy to guess: it repeats 'a';/);
    assert.match(refusal('abcabcabcabc')!, /it repeats 'abc'/);
    assert.match(refusal('Ab12Ab12Ab12')!, /it repeats 'ab12'/);
    const sequences = ['123456789012', 'abcdefghijkl', 'ABCDEFGHIJKL', '987654321098', 'lkjihgfedcba', 'xyzabcdefghi'];
    for (const sequence of [...sequences, 'qwertyuiopas', '1qaz2wsx3edc', 'mnbvcxzlkjhg']) {
      assert.match(refusal(sequence) ?? 'accepted', /sequence of neighbouring characters or keys/, sequence);
    }
    assert.match(refusal('aaaaaaabbbbbb')!, /it uses only 2 different characters/);
  });

  test('the shipped common-password list, with case, separators, digits, symbols and leet around the word', () => {
    assert.ok(commonPasswords().size >= 500, `${commonPasswords().size} entries`);
    const commons = ['password1234', 'Password2024!', 'P@ssw0rd2024!', 'iloveyou1234', 'Summer-2025!!', 'monkeymonkey1', '2024-Liverpool!'];
    for (const common of [...commons, 'correcthorsebatterystaple', 'Welcome to 2025', 'moatmetrics123']) {
      assert.match(refusal(common) ?? 'accepted', /it is a common password, or a common word with digits or symbols around it/, common);
    }
  });

  test('ordinary passphrases and generated one-time passwords pass', () => {
    const fines = ['correct-horse-battery-9', 'a much better secret', 'tulip lantern 47 gravel', 'Kx9#mQ2!vR7$'];
    for (const fine of [...fines, 'viewer password that is long', 'summer in the old harbour']) {
      assert.equal(weakPasswordReason(fine), null, fine);
      assert.equal(refusal(fine), null, fine);
    }
    for (let i = 0; i < 200; i++) {
      const generated = generatePassword();
      // 'lio': letters the generator never uses, so no generated password contains the name.
      assert.equal(refusal(generated, 'lio'), null, generated);
    }
  });

  test('the length and user-name rules still come first and last', () => {
    assert.equal(refusal('aaaa'), 'the password must have at least 12 characters (it has 4)');
    assert.equal(refusal('my name is sam, ok?', 'sam'), 'the password must not contain the user name');
  });
});
