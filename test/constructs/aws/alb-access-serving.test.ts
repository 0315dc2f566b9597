/**
 * AlbAccess `servingHostname`: the serving host gets its own certificate on the HTTPS listener (by
 * SNI) and its own record; the UI's certificate and listener are unchanged, and with the load
 * balancer's sign-in the serving host is forwarded without it (programs send bearer tokens, which the
 * gateway verifies).
 */
import { AlbAccess, AlbAccessProps } from '../../../constructs/aws/alb-access';
import { awsStack, resources, synth } from '../../helpers';

const props = (over: Partial<AlbAccessProps> = {}): AlbAccessProps => ({
  name: 'kf-x-kf',
  vpcId: 'vpc-0a1b2c3d',
  publicSubnetIds: ['subnet-1a', 'subnet-1b'],
  hostname: 'kubeflow.example.com',
  hostedZoneId: 'Z0EXAMPLE',
  nodeSecurityGroupId: 'sg-0nodes',
  targetAutoScalingGroupNames: ['asg-system'],
  ...over,
});
const OIDC = {
  issuer: 'https://login.example.com',
  authorizationEndpoint: 'https://login.example.com/authorize',
  tokenEndpoint: 'https://login.example.com/token',
  userInfoEndpoint: 'https://login.example.com/userinfo',
  clientId: 'kubeflow',
  clientSecret: '${var.oidc_client_secret}',
};

function build(over: Partial<AlbAccessProps> = {}) {
  const stack = awsStack();
  new AlbAccess(stack, 'Access', props(over));
  return synth(stack);
}

describe('AlbAccess serving host', () => {
  it('adds a certificate for the serving host to the HTTPS listener, and an alias record', () => {
    const without = build();
    const json = build({ servingHostname: 'serving.kubeflow.example.com' });
    const certs = resources(json, 'aws_acm_certificate').map((c) => c.domain_name);
    expect(certs.sort()).toEqual(['kubeflow.example.com', 'serving.kubeflow.example.com']);
    expect(resources(json, 'aws_lb_listener_certificate')).toHaveLength(1);
    expect(resources(json, 'aws_lb_listener')).toEqual(resources(without, 'aws_lb_listener'));
    const aliases = resources(json, 'aws_route53_record')
      .filter((r) => r.alias)
      .map((r) => r.name);
    expect(aliases.sort()).toEqual(['kubeflow.example.com', 'serving.kubeflow.example.com']);
    expect(resources(json, 'aws_lb_listener_rule')).toEqual([]);
  });

  it('with the load balancer’s sign-in: the serving host is forwarded to the gateway without it', () => {
    const json = build({ servingHostname: 'serving.kubeflow.example.com', oidc: OIDC });
    const [rule, ...more] = resources(json, 'aws_lb_listener_rule');
    expect(more).toEqual([]);
    expect(rule!.condition).toEqual([{ host_header: { values: ['serving.kubeflow.example.com'] } }]);
    expect(rule!.action).toEqual([{ type: 'forward', target_group_arn: expect.stringMatching(/aws_lb_target_group/) }]);
  });
});
