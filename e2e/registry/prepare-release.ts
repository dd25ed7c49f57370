/**
 * Versions and publishes a throwaway copy of the workspace, the way a release
 * would, without touching the real checkout.
 *
 * @module
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { childEnv } from "./child-env";
import { runCommand } from "./run-command";

export interface PrepareReleaseOptions {
  /** The monorepo root, with packages already built. */
  repoRoot: string;
  /** Empty directory that receives the copy. */
  workDir: string;
  registryUrl: string;
  /** Path of the temporary npm user config holding the registry token. */
  npmrcPath: string;
}

export interface PreparedRelease {
  /** Name to version after `changeset version`, for every published package. */
  versions: Record<string, string>;
  /** Releases `changeset status --output` planned before versioning. */
  plannedReleases: { name: string; type: string; oldVersion: string; newVersion: string }[];
}

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const STEP_TIMEOUT_MS = 60_000;

/**
 * Copies the workspace manifests, changesets and built packages into `workDir`,
 * commits them to a fresh git repository on `main`, adds a patch changeset for
 * every public package on a branch, checks `changeset status`, runs
 * `changeset version` and publishes each package with `pnpm publish`.
 *
 * @example
 * ```ts
 * const { versions } = await prepareRelease({ repoRoot, workDir, registryUrl, npmrcPath });
 * ```
 */
export async function prepareRelease(options: PrepareReleaseOptions): Promise<PreparedRelease> {
  const { repoRoot, workDir } = options;
  const workspaces = copyWorkspace(repoRoot, workDir);
  const publishable = workspaces.filter((workspace) => !workspace.manifest.private);
  if (publishable.length === 0) throw new Error("no public packages found in the workspace");

  const changeset = join(repoRoot, "node_modules", "@changesets", "cli", "bin.js");
  const gitEnv = childEnv({
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Release Test",
    GIT_AUTHOR_EMAIL: "release-test@example.invalid",
    GIT_COMMITTER_NAME: "Release Test",
    GIT_COMMITTER_EMAIL: "release-test@example.invalid",
  });
  const git = (...args: string[]) =>
    runCommand("git", ["-c", "commit.gpgsign=false", ...args], {
      cwd: workDir,
      env: gitEnv,
      timeoutMs: STEP_TIMEOUT_MS,
    });

  // changeset status compares against the base branch, so give it one.
  await git("init", "--quiet", "--initial-branch=main");
  await git("add", "--all");
  await git("commit", "--quiet", "--message", "baseline");
  await git("checkout", "--quiet", "-b", "release-test");
  const frontmatter = publishable
    .map((workspace) => `"${workspace.manifest.name}": patch`)
    .join("\n");
  writeFileSync(
    join(workDir, ".changeset", "registry-install-test.md"),
    `---\n${frontmatter}\n---\n\nRelease rehearsal for the registry install test.\n`,
  );
  await git("add", "--all");
  await git("commit", "--quiet", "--message", "add changeset");

  await runCommand(process.execPath, [changeset, "status", "--output=changeset-status.json"], {
    cwd: workDir,
    env: gitEnv,
    timeoutMs: STEP_TIMEOUT_MS,
  });
  const status = JSON.parse(readFileSync(join(workDir, "changeset-status.json"), "utf8")) as {
    releases: PreparedRelease["plannedReleases"];
  };

  await runCommand(process.execPath, [changeset, "version"], {
    cwd: workDir,
    env: gitEnv,
    timeoutMs: STEP_TIMEOUT_MS,
  });

  const versions: Record<string, string> = {};
  for (const workspace of publishable) {
    const manifest = readManifest(join(workspace.dir, "package.json"));
    versions[manifest.name] = manifest.version;
  }

  linkWorkspaceDependencies(workspaces);
  const [pnpmCommand, pnpmPrefix] = pnpmInvocation();
  const publishEnv = childEnv({ npm_config_userconfig: options.npmrcPath });
  for (const workspace of publishOrder(publishable)) {
    await runCommand(
      pnpmCommand,
      [
        ...pnpmPrefix,
        "publish",
        "--no-git-checks",
        "--ignore-scripts",
        "--registry",
        options.registryUrl,
      ],
      { cwd: workspace.dir, env: publishEnv, timeoutMs: STEP_TIMEOUT_MS },
    );
  }
  return { versions, plannedReleases: status.releases };
}

interface Workspace {
  dir: string;
  manifest: Manifest;
}

/** Root manifests, the .changeset configuration and each workspace's package.json; public packages also get what they publish. */
function copyWorkspace(repoRoot: string, workDir: string): Workspace[] {
  mkdirSync(workDir, { recursive: true });
  for (const file of ["package.json", "pnpm-workspace.yaml", "LICENSE", ".npmrc"]) {
    if (existsSync(join(repoRoot, file))) cpSync(join(repoRoot, file), join(workDir, file));
  }
  // The configuration only: pending changesets of the repository would change the
  // planned bumps, and the rehearsal versions from its own patch changeset alone.
  cpSync(join(repoRoot, ".changeset"), join(workDir, ".changeset"), {
    recursive: true,
    filter: (source) => !/\.changeset[\\/](?!README\.md$)[^\\/]+\.md$/.test(source),
  });

  const workspaces: Workspace[] = [];
  for (const source of workspaceDirs(repoRoot)) {
    const manifest = readManifest(join(source, "package.json"));
    const dir = join(workDir, relative(repoRoot, source));
    mkdirSync(dir, { recursive: true });
    cpSync(join(source, "package.json"), join(dir, "package.json"));
    if (!manifest.private) {
      for (const entry of [...(manifest.files ?? []), "LICENSE", "README.md", "CHANGELOG.md"]) {
        if (existsSync(join(source, entry)))
          cpSync(join(source, entry), join(dir, entry), { recursive: true });
      }
      if (!existsSync(join(dir, "dist"))) {
        throw new Error(
          `${manifest.name} has no dist/; run \`pnpm build\` before the registry test`,
        );
      }
    }
    workspaces.push({ dir, manifest });
  }
  return workspaces;
}

/** Directories matched by pnpm-workspace.yaml (plain paths and one trailing `/*`). */
function workspaceDirs(repoRoot: string): string[] {
  const yaml = readFileSync(join(repoRoot, "pnpm-workspace.yaml"), "utf8");
  const block = /^packages:\s*\n((?:\s+-\s+.*\n?)+)/m.exec(yaml)?.[1] ?? "";
  const patterns = [...block.matchAll(/-\s+["']?([^"'\n]+?)["']?\s*$/gm)].map(
    (match) => match[1] as string,
  );
  const dirs: string[] = [];
  for (const pattern of patterns) {
    if (pattern.endsWith("/*")) {
      const parent = join(repoRoot, pattern.slice(0, -2));
      for (const name of readdirSync(parent).sort()) {
        if (existsSync(join(parent, name, "package.json"))) dirs.push(join(parent, name));
      }
    } else if (existsSync(join(repoRoot, pattern, "package.json"))) {
      dirs.push(join(repoRoot, pattern));
    }
  }
  return dirs;
}

/**
 * pnpm publish rewrites `workspace:` ranges (dev ones included) from the linked package's version,
 * so link internal dependencies the way `pnpm install` would; nothing else is
 * needed to pack already-built packages.
 */
function linkWorkspaceDependencies(workspaces: Workspace[]): void {
  const byName = new Map(workspaces.map((workspace) => [workspace.manifest.name, workspace.dir]));
  for (const workspace of workspaces) {
    const manifest = readManifest(join(workspace.dir, "package.json"));
    const ranges = {
      ...manifest.devDependencies,
      ...manifest.dependencies,
      ...manifest.optionalDependencies,
      ...manifest.peerDependencies,
    };
    for (const [name, range] of Object.entries(ranges)) {
      const target = byName.get(name);
      if (!range.startsWith("workspace:") || target === undefined) continue;
      const link = join(workspace.dir, "node_modules", name);
      if (existsSync(link)) continue;
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(relative(dirname(link), target), link, "dir");
    }
  }
}

/** Dependencies before dependents, so every published range points at a published version. */
function publishOrder(workspaces: Workspace[]): Workspace[] {
  const names = new Set(workspaces.map((workspace) => workspace.manifest.name));
  const ordered: Workspace[] = [];
  const visit = (workspace: Workspace, seen: Set<string>) => {
    if (ordered.includes(workspace) || seen.has(workspace.manifest.name)) return;
    seen.add(workspace.manifest.name);
    const deps = Object.keys({
      ...workspace.manifest.dependencies,
      ...workspace.manifest.peerDependencies,
    });
    for (const dep of deps) {
      const found = workspaces.find((candidate) => candidate.manifest.name === dep);
      if (found && names.has(dep)) visit(found, seen);
    }
    ordered.push(workspace);
  };
  for (const workspace of workspaces) visit(workspace, new Set());
  return ordered;
}

/** The pnpm that runs this test when started through pnpm, else `pnpm` from PATH. */
function pnpmInvocation(): [string, string[]] {
  const execPath = process.env.npm_execpath;
  if (execPath !== undefined && /pnpm\.c?js$/.test(execPath) && existsSync(execPath))
    return [process.execPath, [execPath]];
  return ["pnpm", []];
}

function readManifest(path: string): Manifest {
  return JSON.parse(readFileSync(path, "utf8")) as Manifest;
}
