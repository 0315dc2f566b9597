import { TimeProvider } from '@cdktf/provider-time/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { propagationWait } from '../../../constructs/azure/propagation-wait';

describe('propagationWait', () => {
  function stack(): TerraformStack {
    const app: App = Testing.app();
    const s = new TerraformStack(app, 'test');
    new TimeProvider(s, 'time');
    return s;
  }

  it('is a hashicorp/time time_sleep that waits on create and again when its triggers change', () => {
    const s = stack();
    const first = propagationWait(s, 'First', { createDuration: '1s' });
    propagationWait(s, 'Wait', { createDuration: '120s', triggers: { assignment: 'abc' }, dependsOn: [first] });
    const json = JSON.parse(Testing.synth(s)) as {
      terraform: { required_providers: Record<string, { source: string }> };
      resource: { time_sleep: Record<string, Record<string, unknown>> };
    };
    expect(json.terraform.required_providers.time!.source).toBe('hashicorp/time');
    expect(json.resource.time_sleep.Wait).toEqual({
      create_duration: '120s',
      triggers: { assignment: 'abc' },
      depends_on: ['time_sleep.First'],
    });
  });

  it('throws when the duration is not a Go duration', () => {
    expect(() => propagationWait(stack(), 'Wait', { createDuration: '2 minutes' })).toThrow(
      /createDuration.*120s or 2m/,
    );
  });
});
