// package.json `contributes` and src/constants.ts must agree: one prefix, a category on every command, item-only
// commands hidden from the palette, and the activity-bar container and view the code expects.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Commands, PREFIX, Views } from '../../src/constants';

interface MenuItem {
  command: string;
  when?: string;
  group?: string;
}

interface Manifest {
  main: string;
  icon: string;
  contributes: {
    commands: Array<{ command: string; title: string; category?: string }>;
    viewsContainers: { activitybar: Array<{ id: string; title: string; icon: string }> };
    views: Record<string, Array<{ id: string; name: string }>>;
    viewsWelcome: Array<{ view: string; contents: string }>;
    menus: Record<string, MenuItem[]>;
  };
}

const root = join(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
const contributed = manifest.contributes.commands.map((c) => c.command);
const declared: string[] = Object.values(Commands);

/** Item commands that also work from the palette: they ask which connection to act on. */
const paletteCapable = new Set<string>([
  Commands.editConnection,
  Commands.removeConnection,
  Commands.testConnection,
  Commands.configureStorage,
  Commands.filterDags,
]);

/** Commands that need a tree item: the item context menu ones, and Load More (a tree item's own command). */
function itemCommands(): string[] {
  const fromMenu = (manifest.contributes.menus['view/item/context'] ?? []).map((m) => m.command);
  return [...new Set([...fromMenu, Commands.loadMore])].filter((id) => !paletteCapable.has(id));
}

function paletteWhen(id: string): string | undefined {
  return manifest.contributes.menus.commandPalette?.find((m) => m.command === id)?.when;
}

describe('package.json manifest', () => {
  it('has no duplicate commands', () => {
    assert.equal(new Set(contributed).size, contributed.length);
  });

  it('gives every command the XCom Lens category and the prefix', () => {
    for (const command of manifest.contributes.commands) {
      assert.equal(command.category, 'XCom Lens', `${command.command} has no category`);
      assert.match(command.command, new RegExp(`^${PREFIX}\\.[a-z][A-Za-z0-9]*$`));
      assert.ok(command.title.trim(), `${command.command} has no title`);
    }
  });

  it('contributes exactly the commands of src/constants.ts', () => {
    assert.deepEqual(
      contributed.filter((id) => !declared.includes(id)),
      [],
      'contributed but missing from Commands',
    );
    assert.deepEqual(
      declared.filter((id) => !contributed.includes(id)),
      [],
      'in Commands but not contributed',
    );
  });

  it('hides item-only commands from the command palette', () => {
    const visible = itemCommands().filter((id) => paletteWhen(id) !== 'false');
    assert.deepEqual(visible, [], 'item-only commands shown in the palette');
  });

  it('shows connection commands in the palette only when a connection exists', () => {
    for (const id of paletteCapable) assert.equal(paletteWhen(id), 'xcomLens.hasConnections', id);
  });

  it('refers only to contributed commands in menus and welcome views', () => {
    for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
      for (const item of items)
        assert.ok(contributed.includes(item.command), `${menu} refers to unknown ${item.command}`);
    }
    for (const welcome of manifest.contributes.viewsWelcome) {
      for (const [, id] of welcome.contents.matchAll(/\(command:([\w.]+)\)/g)) {
        assert.ok(contributed.includes(id!), `welcome view links unknown ${id}`);
      }
    }
  });

  it('has one activity-bar container holding the explorer view', () => {
    const containers = manifest.contributes.viewsContainers.activitybar;
    assert.deepEqual(
      containers.map((c) => ({ id: c.id, title: c.title })),
      [{ id: PREFIX, title: 'XCom Lens' }],
    );
    assert.ok(existsSync(join(root, containers[0]!.icon)), `missing ${containers[0]!.icon}`);
    assert.deepEqual(Object.keys(manifest.contributes.views), [PREFIX]);
    assert.deepEqual(
      manifest.contributes.views[PREFIX]!.map((v) => v.id),
      [Views.explorer],
    );
    for (const welcome of manifest.contributes.viewsWelcome) assert.equal(welcome.view, Views.explorer);
  });

  it('points main and icon at files the build and media provide', () => {
    assert.equal(manifest.main, './dist/extension.js');
    assert.ok(existsSync(join(root, manifest.icon)), `missing ${manifest.icon}`);
  });
});

describe('settings manifest: bounds and workspace trust', () => {
  const config = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    contributes: {
      configuration: { properties: Record<string, { type: string; minimum?: number; maximum?: number }> };
    };
    capabilities: { untrustedWorkspaces: { restrictedConfigurations?: string[] } };
  };
  const properties = config.contributes.configuration.properties;

  it('gives every numeric setting a minimum and a maximum', () => {
    const numeric = Object.entries(properties).filter(([, p]) => p.type === 'number' || p.type === 'integer');
    assert.ok(numeric.length >= 6);
    for (const [key, p] of numeric) {
      assert.equal(typeof p.minimum, 'number', `${key} has no minimum`);
      assert.equal(typeof p.maximum, 'number', `${key} has no maximum`);
      assert.ok(p.minimum! > 0, `${key} may be 0`);
    }
  });

  it('keeps connections, endpoints, rules and timeouts out of an untrusted workspace', () => {
    const restricted = new Set(config.capabilities.untrustedWorkspaces.restrictedConfigurations ?? []);
    for (const key of [
      'connections',
      'connectTimeoutSeconds',
      'queryTimeoutSeconds',
      'references.customRules',
      'references.preset',
      'references.prefix',
      'references.objectStoragePath',
    ]) {
      assert.ok(restricted.has(`${PREFIX}.${key}`), `${PREFIX}.${key} is not restricted`);
    }
  });
});
