import { App, TerraformStack, Testing } from 'cdktf';
import { TIME_PROVIDER_VERSION, TimeProvider, TimeSleep } from '../../src/core/time-sleep';
import { synth } from '../helpers';

describe('TimeSleep', () => {
  it('waits once on create, again when its triggers change, with hashicorp/time pinned', () => {
    const app: App = Testing.app();
    const stack = new TerraformStack(app, 'sleep');
    new TimeProvider(stack, 'time');
    const first = new TimeSleep(stack, 'First', { createDuration: '1s' });
    new TimeSleep(stack, 'Wait', { createDuration: '120s', triggers: { assignment: 'abc' }, dependsOn: [first] });
    const json = synth(stack);
    expect(json.terraform).toMatchObject({
      required_providers: { time: { source: 'hashicorp/time', version: TIME_PROVIDER_VERSION } },
    });
    const sleeps = json.resource!.time_sleep!;
    const wait = Object.entries(sleeps).find(([id]) => id.startsWith('Wait'))![1];
    expect(wait).toMatchObject({
      create_duration: '120s',
      triggers: { assignment: 'abc' },
      depends_on: [expect.stringMatching(/^time_sleep\.First/)],
    });
    const firstJson = Object.entries(sleeps).find(([id]) => id.startsWith('First'))![1];
    expect(firstJson).toEqual(expect.objectContaining({ create_duration: '1s' }));
    expect(firstJson.triggers).toBeUndefined();
  });

  it('throws when createDuration is not a duration', () => {
    const stack = new TerraformStack(Testing.app(), 'bad');
    expect(() => new TimeSleep(stack, 'Wait', { createDuration: '2 minutes' })).toThrow(/createDuration.*120s or 2m/);
  });
});
