import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { AuthSettings } from './auth-config';
import { AuthGuard, TOKEN_VERIFIER } from './auth.guard';
import { createTokenVerifier } from './token-verifier';

/**
 * Authentication for the whole service: installs the AuthGuard on every route (health and other
 * @Public() routes excepted) and provides the TokenVerifier. The key source is checked at start-up.
 */
@Module({})
export class AuthModule {
  static forRoot(settings: AuthSettings): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: TOKEN_VERIFIER, useFactory: () => createTokenVerifier(settings) },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [TOKEN_VERIFIER],
    };
  }
}
