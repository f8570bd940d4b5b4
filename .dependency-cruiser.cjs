/**
 * Module boundaries of src/, checked by `npm run lint:deps` (dependency-cruiser).
 * A domain folder holds pure rules (STYLE.md: "no Nest, no TypeORM"): it may import other domain folders,
 * AppError and common/'s pure helpers, node: builtins and npm packages, but no framework and nothing else of src.
 */
const FRAMEWORKS = '(@nestjs/[^/]+|typeorm|fastify|pg)';
const DOMAIN = '^src/(domain|.+/domain)/';
// The error type domain code throws (STYLE.md) and the pure helpers of common/ that domain code shares.
const SHARED_PURE = '^src/common/(errors/(app-error|result-code)|logging/mask|http/json|net/address-list)\\.ts$';
// Unit tests live next to the code they test, and may use the helpers in test/support.
const SPEC = '\\.spec\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'src modules import each other in a cycle: one of them should not need the other.',
      severity: 'error',
      from: { path: '^src/' },
      // A cycle closed by an `import type` is erased at compile time and loads no module: TypeORM's two-sided
      // relations (Portfolio and BusinessNumber) need one. Only cycles of runtime imports count.
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'domain-is-pure',
      comment: 'Domain code imports only domain code, node: builtins and npm packages other than Nest, TypeORM, Fastify and pg.',
      severity: 'error',
      from: { path: DOMAIN, pathNot: SPEC },
      to: {
        dependencyTypesNot: ['core'],
        // Anything but another domain folder or a package from node_modules that is not a framework.
        pathNot: `${DOMAIN}|${SHARED_PURE}|^node_modules/(?!(@types/)?${FRAMEWORKS}/)`,
      },
    },
    {
      name: 'graph-not-to-readers',
      comment: 'The graph (write side) knows nothing of its readers: contacts/, dispatch/ and webhooks/ depend on it, never the reverse.',
      severity: 'error',
      from: { path: '^src/graph/' },
      to: { path: '^src/(contacts|dispatch|webhooks)/' },
    },
    {
      name: 'no-orphans',
      comment: 'Nothing imports this module and it imports nothing: dead code, or an entry point to list here.',
      severity: 'warn',
      from: { orphan: true, pathNot: '\\.d\\.ts$' },
      to: {},
    },
    {
      name: 'not-to-test',
      comment: 'The service never depends on test code (unit specs next to it may use test/support).',
      severity: 'error',
      from: { path: '^src/', pathNot: SPEC },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules', '^test/'] },
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count: a domain file may not even name a TypeORM type.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['require', 'node', 'default', 'types'],
      mainFields: ['main', 'types', 'typings'],
    },
  },
};
