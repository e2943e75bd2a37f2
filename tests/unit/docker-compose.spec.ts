import { readFileSync } from 'node:fs';
import path from 'node:path';
import { allTopicSpecs, TOPICS } from '@pedigree/contracts';

// docker-compose.yml cannot run on the project's machines (no Docker engine); these checks keep it in step with the code.
const compose = readFileSync(path.resolve(__dirname, '../../docker-compose.yml'), 'utf8');

describe('docker-compose.yml', () => {
  it('creates every topic with the partition count libs/contracts declares', () => {
    for (const topic of Object.values(TOPICS))
      expect(compose).toContain(` ${topic.name}:${topic.partitions}`);
    expect(
      allTopicSpecs()
        .filter((t) => t.name.endsWith('.dlq'))
        .every((t) => t.partitions === 1),
    ).toBe(true);
  });

  it.each(['serialization', 'cold-chain', 'recall', 'ledger-writer'])(
    'runs the %s service from its own Dockerfile and database',
    (name) => {
      expect(compose).toContain(`dockerfile: services/${name}/Dockerfile`);
      expect(compose).toContain(`/pedigree_${name.replace('-', '_')}`);
      const dockerfile = readFileSync(path.resolve(__dirname, `../../services/${name}/Dockerfile`), 'utf8');
      expect(dockerfile).toMatch(/^USER node$/m);
      expect(dockerfile).toContain(`CMD ["node", "services/${name}/dist/main.js"]`);
    },
  );
});
