import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MIGRATED_SERVICES } from '@pedigree/database';

// docker-compose.yml cannot run on the project's machines (no Docker engine); these checks keep it in step with the code.
const compose = readFileSync(path.resolve(__dirname, '../../docker-compose.yml'), 'utf8');
const dockerfile = (name: string) =>
  readFileSync(path.resolve(__dirname, `../../services/${name}/Dockerfile`), 'utf8');

/** The text of one top-level service of the compose file (its indented block). */
function serviceBlock(name: string): string {
  const match = new RegExp(`^ {2}${name}:\\n((?: {4}.*\\n|\\n)*)`, 'm').exec(compose);
  if (!match) throw new Error(`docker-compose.yml has no service ${name}`);
  return match[1]!;
}

describe('docker-compose.yml', () => {
  it('creates the topics of libs/contracts once, with the pedigree CLI, before the services start', () => {
    expect(serviceBlock('kafka-topics')).toContain(
      'command: ["kafka", "ensure-topics", "--brokers", "kafka:9092"',
    );
    expect(serviceBlock('kafka-topics')).toContain('kafka: { condition: service_healthy }');
  });

  it('migrates the four databases once, with the pedigree CLI of the serialization image', () => {
    const migrate = serviceBlock('migrate');
    expect(migrate).toContain('command: ["db", "migrate"]');
    for (const name of MIGRATED_SERVICES) {
      const variable = `DATABASE_URL_${name.toUpperCase().replace('-', '_')}`;
      expect(migrate).toContain(
        `${variable}: postgres://pedigree:pedigree@postgres:5432/pedigree_${name.replace('-', '_')}`,
      );
    }
    expect(compose).toMatch(
      /x-pedigree-cli: &pedigree-cli\n {2}build: \{ context: \., dockerfile: services\/serialization\/Dockerfile \}/,
    );
    expect(compose).toContain('entrypoint: ["node", "tools/pedigree/bin/pedigree.js"]');
    const image = dockerfile('serialization');
    expect(image).toContain('npx tsc -b services/serialization tools/pedigree');
    expect(image).toContain('COPY --from=build /src/tools/pedigree/dist ./tools/pedigree/dist');
    expect(image).toContain('COPY --from=build /src/tools/pedigree/bin ./tools/pedigree/bin');
    for (const name of MIGRATED_SERVICES.filter((n) => n !== 'serialization'))
      expect(image).toContain(`COPY --from=build /src/services/${name}/drizzle ./services/${name}/drizzle`);
  });

  it('starts the services only after the migrations and topics completed', () => {
    const shared = /x-service: &service\n((?: {2}.*\n)*)/.exec(compose)![1]!;
    expect(shared).toContain('migrate: { condition: service_completed_successfully }');
    expect(shared).toContain('kafka-topics: { condition: service_completed_successfully }');
    expect(compose).toContain('CREATE DATABASE pedigree_serialization;');
  });

  it.each(MIGRATED_SERVICES)('runs the %s service from its own Dockerfile and database', (name) => {
    const block = serviceBlock(name);
    expect(block).toContain('<<: *service');
    expect(block).toContain(`dockerfile: services/${name}/Dockerfile`);
    expect(block).toContain(`/pedigree_${name.replace('-', '_')}`);
    expect(compose).toContain(`CREATE DATABASE pedigree_${name.replace('-', '_')};`);
    expect(dockerfile(name)).toMatch(/^USER node$/m);
    expect(dockerfile(name)).toContain(`CMD ["node", "services/${name}/dist/main.js"]`);
  });
});
