import { SetMetadata, applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { AuthProblemStyle } from './auth-problems';
import type { Principal, Role } from './principal';

export { Public } from '@pedigree/service-runtime';

export const ROLES_METADATA = 'pedigree:roles';
export const AUTH_PROBLEM_STYLE_METADATA = 'pedigree:auth-problem-style';

/** Only principals holding at least one of these roles may call the route (or every route of the controller). */
export const Roles = (...roles: [Role, ...Role[]]) =>
  applyDecorators(SetMetadata(ROLES_METADATA, roles), ApiBearerAuth());

/** Answers 401 and 403 of the controller or route in this style, e.g. `@AuthProblems('epcis')` for EPCIS endpoints. */
export const AuthProblems = (style: AuthProblemStyle) => SetMetadata(AUTH_PROBLEM_STYLE_METADATA, style);

/** A request the AuthGuard let through, with the verified principal on it. */
export interface AuthenticatedRequest {
  principal?: Principal;
}

/** The verified principal of the request (a handler parameter). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const { principal } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (principal === undefined) {
      throw new Error(
        'no authenticated principal on this request: the route is @Public() or the AuthGuard is not installed',
      );
    }
    return principal;
  },
);
