// The degraded-mode status board in words (issue 8): the store's mode, each dependency's level,
// an incident's timeline, HQ's key. Pure: the caller passes the language. The backend decides
// everything; this only words what it sent. Levels and modes are always given in words as
// well as colour.

import type {
  Dependency,
  DependencyStatus,
  Downtime,
  IncidentReport,
  Level,
  ModeView,
  Received,
  StatusBoard,
  StoreMode,
  TimelineKind,
} from './bindings';
import { storeDateTime } from './hours';
import { translate, type Lang, type MessageKey } from './i18n';

export type ModeKind = StoreMode['kind'];

const MODE_LABEL: Record<ModeKind, MessageKey> = { normal: 'modeNormal', degraded: 'modeDegraded', island: 'modeIsland' };
const MODE_CHIP: Record<ModeKind, MessageKey> = { normal: 'modeChipNormal', degraded: 'modeChipDegraded', island: 'modeChipIsland' };
const LEVEL_LABEL: Record<Level, MessageKey> = { green: 'levelGreen', amber: 'levelAmber', red: 'levelRed' };
const TIMELINE_LABEL: Record<TimelineKind, MessageKey> = {
  auto: 'timelineAuto',
  note: 'timelineNote',
  decision: 'timelineDecision',
  action: 'timelineAction',
};

/** An icon beside the level's word and colour (never the colour alone). */
export const LEVEL_ICON: Record<Level, string> = { green: '✓', amber: '!', red: '✕' };

/** The page's words for the mode: "Normalläge", "Nödläge", "Ö-läge". */
export function modeName(kind: ModeKind, lang: Lang): string {
  return translate(lang, MODE_LABEL[kind]);
}

/** The header chip's: "Normal", "Nödläge", "Ö-läge". */
export function modeChipName(kind: ModeKind, lang: Lang): string {
  return translate(lang, MODE_CHIP[kind]);
}

export function levelName(level: Level, lang: Lang): string {
  return translate(lang, LEVEL_LABEL[level]);
}

export function timelineKindName(kind: TimelineKind, lang: Lang): string {
  return Object.hasOwn(TIMELINE_LABEL, kind) ? translate(lang, TIMELINE_LABEL[kind]) : kind;
}

/** What the mode means at the till, one line each, in the language shown. */
export function meaningLines(mode: ModeView, lang: Lang): string[] {
  return lang === 'sv' ? mode.meaning_sv : mode.meaning_en;
}

/** A dependency's (or a downtime's) name in the language shown. */
export function dependencyName(entry: Pick<DependencyStatus | Downtime, 'name_sv' | 'name_en'>, lang: Lang): string {
  return lang === 'sv' ? entry.name_sv : entry.name_en;
}

export function impactText(dependency: DependencyStatus, lang: Lang): string {
  return lang === 'sv' ? dependency.impact_sv : dependency.impact_en;
}

/**
 * The names of `dependencies` (a drill's failures, the mode's lost ones) as the board words
 * them, joined: "Kortinlösare, Swish". One the board does not list keeps its id.
 */
export function namesOf(dependencies: readonly Dependency[], board: StatusBoard, lang: Lang): string {
  return dependencies
    .map((dependency) => {
      const known = board.dependencies.find((entry) => entry.dependency === dependency);
      return known ? dependencyName(known, lang) : dependency;
    })
    .join(', ');
}

/** "sedan 2026-11-27 14:05", or "sedan start" when it never changed. */
export function sinceText(since: string | null, lang: Lang): string {
  return since ? translate(lang, 'modeSince', { at: storeDateTime(since) }) : translate(lang, 'modeSinceStart');
}

/** Whole seconds, rounded up: a failure is detected within this. */
export function detectionSeconds(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000));
}

/** HQ's public key as 64 hex digits (ed25519). */
export function isHexKey(value: string): boolean {
  return /^[0-9a-fA-F]{64}$/.test(value);
}

/** The first 16 hex digits of a key: enough to compare with HQ's by eye. */
export function keyPrefix(key: string): string {
  return key.slice(0, 16);
}

/** Why a remote command was refused, in the language shown ('' when accepted). */
export function refusalText(received: Received, lang: Lang): string {
  return (lang === 'sv' ? (received.refusal_sv ?? received.refusal) : received.refusal) ?? '';
}

/** What is left to put right after an incident, in the language shown. */
export function reconcileLines(report: IncidentReport, lang: Lang): string[] {
  return lang === 'sv' ? report.to_reconcile_sv : report.to_reconcile_en;
}

/** A key that changes whenever a real incident or a drill opens or closes (the list is read again). */
export function incidentsKey(board: StatusBoard | null): string {
  return `${board?.incident?.id ?? '-'}/${board?.drill?.id ?? '-'}`;
}
