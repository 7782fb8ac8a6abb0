// The gradebook as staff and students reach it: a class's grid for a topology, its deadline, the
// run every deadline triggers once it has passed (a sweeper chore, on the service's clock), and
// the bulk job that checks a whole class now. Staff see the classes they manage; deadlines are
// the instructor's.

import { audit } from "../store/audit.ts";
import { latestGraded } from "../store/check-history.ts";
import type { Db } from "../store/db.ts";
import {
  type Deadline,
  deadlineOf,
  deadlinesOfClass,
  dueDeadlines,
  markFired,
  removeDeadline,
  setDeadline,
} from "../store/deadlines.ts";
import type { Job } from "../store/jobs.ts";
import { classById, type User, usersOfClass } from "../store/users.ts";
import { canManageClass } from "./access.ts";
import type { JobRunner } from "./bulk.ts";
import { ForbiddenError, notFound } from "./errors.ts";
import { DEADLINE_ACTOR, type GradeGrid, gradeGrid } from "./grades.ts";
import type { LabService } from "./labs.ts";
import type { Library } from "./library.ts";
import type { Log } from "./log.ts";

/** Students whose checks a deadline runs at once. */
const DEADLINE_CONCURRENCY = 4;

export class Gradebook {
  private readonly db: Db;
  private readonly labs: LabService;
  private readonly library: Library;
  private readonly log: Pick<Log, "error" | "info">;

  constructor(db: Db, labs: LabService, library: Library, log: Pick<Log, "error" | "info">) {
    this.db = db;
    this.labs = labs;
    this.library = library;
    this.log = log;
  }

  /** The class's students x the topology's checks, each with its latest counted result. */
  async grid(user: User, classId: string, topology: string): Promise<GradeGrid> {
    this.requireClass(user, classId);
    const loaded = await this.library.load(topology);
    if (!loaded?.ok) throw notFound(`topology ${topology}`);
    const students = usersOfClass(this.db, classId, "student");
    const checks = loaded.topology.checks.map(({ id, task, vantage }) => ({ id, task, vantage }));
    const latest = latestGraded(
      this.db,
      topology,
      students.map((s) => s.login),
    );
    const deadline = deadlineOf(this.db, classId, topology);
    return gradeGrid({ classId, topology, deadline }, checks, students, latest);
  }

  deadlines(user: User, classId: string): Deadline[] {
    this.requireClass(user, classId);
    return deadlinesOfClass(this.db, classId);
  }

  /** Sets (or moves) the class's deadline for the topology; instructors only. */
  async setDeadline(user: User, classId: string, topology: string, at: number): Promise<Deadline> {
    this.requireClass(user, classId);
    if (user.role !== "instructor") throw new ForbiddenError("only an instructor sets deadlines");
    if (!(await this.library.load(topology))) throw notFound(`topology ${topology}`);
    setDeadline(this.db, { classId, topology, at, setBy: user.login });
    audit(this.db, user.login, "grades.deadline", classId, {
      topology,
      at: new Date(at).toISOString(),
    });
    return deadlineOf(this.db, classId, topology) as Deadline;
  }

  clearDeadline(user: User, classId: string, topology: string): void {
    this.requireClass(user, classId);
    if (user.role !== "instructor") throw new ForbiddenError("only an instructor sets deadlines");
    if (!removeDeadline(this.db, classId, topology)) throw notFound(`deadline for ${topology}`);
    audit(this.db, user.login, "grades.deadline-removed", classId, { topology });
  }

  /** Starts a job running every student's checks of the topology (their lab's). */
  async checkClass(
    user: User,
    jobs: JobRunner,
    classId: string,
    topology: string,
    concurrency: number,
  ): Promise<Job> {
    this.requireClass(user, classId);
    if (!(await this.library.load(topology))) throw notFound(`topology ${topology}`);
    audit(this.db, user.login, "grades.check-class", classId, { topology });
    return jobs.submit({
      kind: "checks",
      classId,
      topology,
      concurrency,
      createdBy: user.login,
      students: usersOfClass(this.db, classId, "student").map((s) => s.login),
    });
  }

  /**
   * Runs every student's checks for each deadline passed at `now` and not yet run, once: the
   * deadline is marked first, so a failure is logged rather than repeated at every sweep.
   */
  async runDueDeadlines(now: number): Promise<Deadline[]> {
    const due = dueDeadlines(this.db, now);
    for (const deadline of due) {
      markFired(this.db, deadline.classId, deadline.topology, now);
      const students = usersOfClass(this.db, deadline.classId, "student").map((s) => s.login);
      const worker = async () => {
        for (let login = students.shift(); login !== undefined; login = students.shift()) {
          try {
            const lab = await this.labs.labOf(login, deadline.topology);
            if (lab) await this.labs.checksByService(lab, DEADLINE_ACTOR);
          } catch (error) {
            this.log.error({ err: error, student: login, ...deadline }, "deadline checks failed");
          }
        }
      };
      await Promise.all(Array.from({ length: DEADLINE_CONCURRENCY }, worker));
      audit(this.db, DEADLINE_ACTOR, "grades.deadline-run", deadline.classId, {
        topology: deadline.topology,
      });
      this.log.info({ ...deadline }, "deadline: the class's checks ran; its grades are frozen");
    }
    return due;
  }

  /** One student's part of a class check job: their lab's checks, run as the job's creator. */
  async checkStudent(creator: User, topology: string, student: string): Promise<string> {
    const lab = await this.labs.labOf(student, topology);
    if (!lab) throw notFound(`a lab of ${topology} for ${student}`);
    await this.labs.checks(creator, lab.lab);
    return lab.lab;
  }

  private requireClass(user: User, classId: string): void {
    if (!canManageClass(user, classId) || !classById(this.db, classId)) {
      throw notFound(`class ${classId}`);
    }
  }
}
