import { SetMetadata } from '@nestjs/common';

/** Metadata key of routes (or whole controllers) that answer without authentication. */
export const PUBLIC_ROUTE = 'pedigree:public-route';

/** Marks a controller or handler as open to everyone: the authentication guard lets its requests through. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
