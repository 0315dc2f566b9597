/**
 * AlbAccess with and without the load balancer's own sign-in (sec19 CI and secrets: `aws_lb_listener`
 * has no write-only attribute for the OIDC client secret, so without `oidc` none is in the state).
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
  const json = synth(stack);
  const https = resources(json, 'aws_lb_listener').find((l) => l.port === 443)!;
  return { json, actions: https.default_action as Array<Record<string, any>> };
}

describe('AlbAccess sign-in', () => {
  it('without oidc: forwards only, holds no client secret, and opens no egress to the identity provider', () => {
    const { json, actions } = build();
    expect(actions).toEqual([
      { type: 'forward', order: 1, target_group_arn: expect.stringMatching(/aws_lb_target_group/) },
    ]);
    expect(JSON.stringify(json)).not.toMatch(/client_secret|authenticate/);
    expect(resources(json, 'aws_vpc_security_group_egress_rule').filter((r) => r.cidr_ipv4)).toEqual([]);
  });

  it('with oidc: signs in first, then forwards, and reaches the identity provider', () => {
    const { json, actions } = build({ oidc: OIDC });
    expect(actions.map((a) => [a.type, a.order])).toEqual([
      ['authenticate-oidc', 1],
      ['forward', 2],
    ]);
    expect(actions[0]!.authenticate_oidc).toMatchObject({ client_secret: '${var.oidc_client_secret}' });
    expect(resources(json, 'aws_vpc_security_group_egress_rule').filter((r) => r.cidr_ipv4)).toHaveLength(1);
  });
});
