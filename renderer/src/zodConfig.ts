import { z } from 'zod';

// zod probes for eval with new Function() unless told not to; the CSP forbids eval, and the probe
// would be reported as a violation on every start. Imported first by main.tsx.
z.config({ jitless: true });
