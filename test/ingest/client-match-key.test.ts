import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientAliasKey, clientMatchKey, closestClientNames } from '../../src/ingest/client-match-key.js';

test('names that differ in case, punctuation and legal suffix share one key', () => {
  for (const name of [
    'Acme Corp.',
    'ACME Corporation',
    'Acme',
    'acme, inc.',
    'The Acme Co.',
    'Acme Co., Ltd.',
    'Acme Pty Ltd',
    'ACME L.L.C.',
    '  Acme   Incorporated ',
  ]) {
    assert.equal(clientMatchKey(name), 'acme', name);
  }
});

test('& and "and", accents, dotted suffixes and apostrophes', () => {
  assert.equal(clientMatchKey('Smith & Jones, LLP'), 'smith and jones');
  assert.equal(clientMatchKey('Smith and Jones'), 'smith and jones');
  assert.equal(clientMatchKey('Smith & Co.'), 'smith');
  assert.equal(clientMatchKey('Müller & Söhne GmbH'), 'muller and sohne');
  assert.equal(clientMatchKey('Straße Bau AG'), 'strasse bau');
  assert.equal(clientMatchKey('Café Olé S.A.'), 'cafe ole');
  assert.equal(clientMatchKey("O'Brien Plumbing s.r.l."), 'obrien plumbing');
  assert.equal(clientMatchKey('Nordic Tools Oy'), 'nordic tools');
  assert.equal(clientMatchKey('Tokyo Trading K.K.'), 'tokyo trading');
  assert.equal(clientMatchKey('Van Dijk B.V.'), 'van dijk');
  assert.equal(clientMatchKey('Dr Lee PLLC'), 'dr lee');
  assert.equal(clientMatchKey('Ｆｕｌｌｗｉｄｔｈ Ltd'), 'fullwidth');
});

test('only a leading "The" and trailing suffixes go; a name is never emptied', () => {
  assert.equal(clientMatchKey('Limited Brands Inc'), 'limited brands');
  assert.equal(clientMatchKey('Company X'), 'company x');
  assert.equal(clientMatchKey('The Company'), 'company');
  assert.equal(clientMatchKey('Inc.'), 'inc');
  assert.equal(clientMatchKey('The'), 'the');
  assert.equal(clientMatchKey('Theta Labs'), 'theta labs');
  assert.equal(clientMatchKey('Acme Dental'), 'acme dental');
  assert.notEqual(clientMatchKey('Acme Dental'), clientMatchKey('Acme Motors'));
  assert.equal(clientMatchKey(''), '');
});

test('the alias key sets aside case and spacing only', () => {
  assert.equal(clientAliasKey('  ACME   Corporation '), 'acme corporation');
  assert.notEqual(clientAliasKey('Acme Corp.'), clientAliasKey('Acme Corp'));
});

test('closest client names: most alike first, unrelated names left out', () => {
  const clients = [{ name: 'Acme Dental Inc.' }, { name: 'Acme Motors' }, { name: 'Beta Legal LLP' }, { name: 'Acme Dental LLC' }];
  const closest = closestClientNames('Acme Dentl', clients).map((c) => c.name);
  assert.deepEqual(closest.slice(0, 2), ['Acme Dental Inc.', 'Acme Dental LLC']);
  assert.ok(!closest.includes('Beta Legal LLP'));
  assert.deepEqual(closestClientNames('Zzyzx', clients), []);
});
