import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC_ROUTE, ProblemException } from '@pedigree/service-runtime';
import { authProblem, type AuthProblemStyle } from './auth-problems';
import { AUTH_PROBLEM_STYLE_METADATA, ROLES_METADATA, type AuthenticatedRequest } from './decorators';
import type { Principal, Role } from './principal';
import { InvalidTokenError, type TokenVerifier } from './token-verifier';

export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * Every route needs a valid bearer token unless it is @Public(): the verified Principal goes on the
 * request; @Roles(...) then requires one of the roles. 401 / 403 answers are problem+json.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const style =
      this.reflector.getAllAndOverride<AuthProblemStyle>(AUTH_PROBLEM_STYLE_METADATA, targets) ?? 'http';
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & AuthenticatedRequest>();
    const reply = http.getResponse<FastifyReply>();

    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (token === undefined) {
      void reply.header('www-authenticate', 'Bearer realm="pedigree"');
      throw authProblem(401, 'a bearer token is required (Authorization: Bearer <token>)', style);
    }
    let principal: Principal;
    try {
      principal = await this.verifier.verify(token);
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw keysUnavailable(error);
      void reply.header(
        'www-authenticate',
        `Bearer realm="pedigree", error="invalid_token", error_description="${error.message.replace(/["\\]/g, "'")}"`,
      );
      throw authProblem(401, error.message, style);
    }
    request.principal = principal;

    const roles = this.reflector.getAllAndOverride<Role[]>(ROLES_METADATA, targets);
    if (roles !== undefined && !roles.some((role) => principal.roles.includes(role))) {
      throw authProblem(
        403,
        `this needs the role ${roles.join(' or ')}; the token has ${principal.roles.join(', ')}`,
        style,
      );
    }
    return true;
  }
}

/** The identity provider's keys could not be fetched: the caller is not at fault, answer 503. */
function keysUnavailable(error: unknown): ProblemException {
  return new ProblemException({
    type: 'about:blank',
    title: 'Service Unavailable',
    status: 503,
    detail: `the keys of the identity provider are unavailable (${(error as Error).message})`,
  });
}
