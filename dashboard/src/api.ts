// The service's REST API, typed by the service's own zod schemas (type-only imports: nothing of
// the orchestrator or zod reaches the bundle).
import type { z } from "zod";
import type { auditSchema } from "../../orchestrator/src/api/schemas/audit.ts";
import type {
  checkResultSchema,
  checkRunSchema,
} from "../../orchestrator/src/api/schemas/checks.ts";
import type {
  addedMembersSchema,
  classSchema,
  createdClassSchema,
  memberSchema,
} from "../../orchestrator/src/api/schemas/classes.ts";
import type {
  deadlineSchema,
  gradeGridSchema,
  historyEntrySchema,
} from "../../orchestrator/src/api/schemas/grades.ts";
import type { handoutSchema } from "../../orchestrator/src/api/schemas/handout.ts";
import type { jobSchema } from "../../orchestrator/src/api/schemas/jobs.ts";
import type { labStatusSchema, labSummarySchema } from "../../orchestrator/src/api/schemas/labs.ts";
import type { meSchema } from "../../orchestrator/src/api/schemas/me.ts";
import type { recordingListSchema } from "../../orchestrator/src/api/schemas/recordings.ts";
import type { terminalListSchema } from "../../orchestrator/src/api/schemas/terminal.ts";
import type { reissuedSchema, settingsSchema } from "../../orchestrator/src/api/schemas/tokens.ts";
import type {
  entryViewSchema,
  libraryEntrySchema,
} from "../../orchestrator/src/api/schemas/topologies.ts";
import { token } from "./session.ts";

export type Me = z.infer<typeof meSchema>;
export type LabStatus = z.infer<typeof labStatusSchema>;
export type LabSummary = z.infer<typeof labSummarySchema>;
export type CheckResult = z.infer<typeof checkResultSchema>;
export type Handout = z.infer<typeof handoutSchema>;
export type CheckRun = z.infer<typeof checkRunSchema>;
export type ClassInfo = z.infer<typeof classSchema>;
export type Member = z.infer<typeof memberSchema>;
export type CreatedClass = z.infer<typeof createdClassSchema>;
export type AddedMembers = z.infer<typeof addedMembersSchema>;
export type Reissued = z.infer<typeof reissuedSchema>;
export type Settings = z.infer<typeof settingsSchema>;
export type Job = z.infer<typeof jobSchema>;
export type AuditRecord = z.infer<typeof auditSchema>[number];
export type Topology = z.infer<typeof libraryEntrySchema>;
export type TopologyView = z.infer<typeof entryViewSchema>;
export type GradeGrid = z.infer<typeof gradeGridSchema>;
export type Deadline = z.infer<typeof deadlineSchema>;
export type CheckHistoryEntry = z.infer<typeof historyEntrySchema>;
/** A bulk job's progress event (GET /api/jobs/:id/events; orchestrator/src/store/jobs.ts). */
export type JobEvent =
  | { type: "queued" | "started"; student: string }
  | { type: "ready"; student: string; lab: string }
  | { type: "failed"; student: string; error: string }
  | { type: "summary"; ready: number; failed: number; total: number };

export type LiveTerminal = z.infer<typeof terminalListSchema>[number];
export type Recording = z.infer<typeof recordingListSchema>[number];

export interface FieldProblem {
  path: string;
  message: string;
}

/** A topology's problem at its file, line and column. */
export type Diagnostic = Topology["diagnostics"][number];

/** An answer other than 2xx, with the service's `{ error, message, fields? }`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldProblem[];
  /** A topology's problems, when the answer lists them (400 from the library's routes). */
  readonly diagnostics: Diagnostic[];
  constructor(
    status: number,
    code: string,
    message: string,
    fields: FieldProblem[] = [],
    diagnostics: Diagnostic[] = [],
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.diagnostics = diagnostics;
  }
}

export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const current = token();
  if (current) headers.set("authorization", `Bearer ${current}`);
  if (init.body !== undefined) headers.set("content-type", "application/json");
  const response = await fetch(path, { ...init, headers });
  if (response.ok) return response;
  const body = (await response.json().catch(() => null)) as {
    error?: string;
    message?: string;
    fields?: FieldProblem[];
    diagnostics?: Diagnostic[];
  } | null;
  const diagnostics = body?.diagnostics ?? [];
  throw new ApiError(
    response.status,
    body?.error ?? "http_error",
    body?.message ??
      (diagnostics.length > 0
        ? "the topology has problems"
        : `${response.status} ${response.statusText}`),
    body?.fields ?? [],
    diagnostics,
  );
}

export async function get<T>(path: string): Promise<T> {
  return (await (await request(path)).json()) as T;
}

export async function post<T>(path: string, body: unknown = {}, method = "POST"): Promise<T> {
  return (await (await request(path, { method, body: JSON.stringify(body) })).json()) as T;
}

export async function put<T>(path: string, body: unknown): Promise<T> {
  return (await (await request(path, { method: "PUT", body: JSON.stringify(body) })).json()) as T;
}

const lab = (id: string) => `/api/labs/${encodeURIComponent(id)}`;
const klass = (id: string) => `/api/classes/${encodeURIComponent(id)}`;

/** A roster as the service takes it: a JSON list of students or CSV text, and TAs' names. */
export interface RosterUpload {
  students?: { name: string; email?: string; id?: string }[];
  csv?: string;
  tas: string[];
}

const grades = (classId: string, topology: string, format: "json" | "csv") =>
  `/api/classes/${encodeURIComponent(classId)}/grades?topology=${encodeURIComponent(topology)}&format=${format}`;

export const api = {
  me: () => get<Me>("/api/me"),
  labs: () => get<LabSummary[]>("/api/labs"),
  lab: (id: string) => get<LabStatus>(lab(id)),
  createLab: (topology: string, owner?: string) =>
    post<LabStatus>("/api/labs", { topology, owner }),
  resetLab: (id: string, nodes: string[] = []) => post<LabStatus>(`${lab(id)}/reset`, { nodes }),
  resumeLab: (id: string) => post<LabStatus>(`${lab(id)}/resume`),
  stopLab: (id: string) => post<LabStatus>(`${lab(id)}/stop`),
  extendLab: (id: string) => post<LabStatus>(`${lab(id)}/extend`),
  deleteLab: (id: string) => request(lab(id), { method: "DELETE" }),
  checks: (id: string) => get<CheckResult[]>(`${lab(id)}/checks`),
  lastChecks: (id: string) => get<CheckRun>(`${lab(id)}/checks/last`),
  handout: (id: string) => get<Handout>(`${lab(id)}/handout`),
  terminals: (id: string) => get<LiveTerminal[]>(`${lab(id)}/terminals`),
  capture: (id: string, network: string, seconds: number) =>
    request(`${lab(id)}/networks/${encodeURIComponent(network)}/capture?seconds=${seconds}`),
  classes: () => get<ClassInfo[]>("/api/classes"),
  createClass: (body: RosterUpload & { name: string; endsAt?: string }) =>
    post<CreatedClass>("/api/classes", body),
  addMembers: (classId: string, body: RosterUpload) =>
    post<AddedMembers>(`${klass(classId)}/members`, body),
  removeMember: (classId: string, login: string) =>
    request(`${klass(classId)}/members/${encodeURIComponent(login)}`, { method: "DELETE" }),
  setClassEnd: (classId: string, endsAt: string | null) =>
    post<ClassInfo>(klass(classId), { endsAt }, "PATCH"),
  revoke: (login: string) => post<unknown>(`/api/users/${encodeURIComponent(login)}/revoke`),
  reissue: (login: string) => post<Reissued>(`/api/users/${encodeURIComponent(login)}/reissue`),
  settings: () => get<Settings>("/api/settings"),
  saveSettings: (settings: Settings) => post<Settings>("/api/settings", settings, "PUT"),
  topologies: () => get<Topology[]>("/api/topologies"),
  topology: (name: string) => get<TopologyView>(`/api/topologies/${encodeURIComponent(name)}`),
  uploadTopology: (archiveBase64: string, overwrite: boolean) =>
    post<{ name: string }>("/api/topologies/archive", { archiveBase64, overwrite }),
  retireTopology: (name: string) =>
    request(`/api/topologies/${encodeURIComponent(name)}`, { method: "DELETE" }),
  spinUp: (classId: string, topology: string, concurrency: number) =>
    post<Job>(`/api/classes/${encodeURIComponent(classId)}/labs`, { topology, concurrency }),
  grades: (classId: string, topology: string) => get<GradeGrid>(grades(classId, topology, "json")),
  /** The raw answer, to save as a file. */
  gradesFile: (classId: string, topology: string, format: "json" | "csv") =>
    request(grades(classId, topology, format)),
  setDeadline: (classId: string, topology: string, at: string) =>
    put<Deadline>(
      `/api/classes/${encodeURIComponent(classId)}/deadlines/${encodeURIComponent(topology)}`,
      { at },
    ),
  checkClass: (classId: string, topology: string) =>
    post<Job>(`/api/classes/${encodeURIComponent(classId)}/checks`, { topology }),
  checkHistory: (id: string) => get<CheckHistoryEntry[]>(`${lab(id)}/checks/history?limit=100`),
  recordings: (labId: string) =>
    get<Recording[]>(`/api/recordings?lab=${encodeURIComponent(labId)}`),
  recording: (id: string) => request(`/api/recordings/${encodeURIComponent(id)}`),
  audit: (before?: number) =>
    get<AuditRecord[]>(`/api/audit?limit=100${before === undefined ? "" : `&before=${before}`}`),
};

/** The filename a download's content-disposition names, else `fallback`. */
export function filenameOf(response: Response, fallback: string): string {
  const match = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "");
  return match?.[1] ?? fallback;
}

/**
 * A bulk job's server-sent events, read with fetch (an EventSource cannot send the bearer token):
 * calls `onEvent` for each event until the stream ends or `signal` aborts.
 */
export async function readJobEvents(
  path: string,
  onEvent: (event: JobEvent) => void,
  signal?: AbortSignal,
): Promise<void> {
  const response = await request(path, signal ? { signal } : {});
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += value;
    let end = buffered.indexOf("\n\n");
    while (end >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      end = buffered.indexOf("\n\n");
      // The event's type is in its data too; comments (heartbeats) have no data line.
      const data = block
        .split("\n")
        .filter((line) => line.startsWith("data: "))
        .map((line) => line.slice(6))
        .join("\n");
      if (data) onEvent(JSON.parse(data) as JobEvent);
    }
  }
}
