// Bulk jobs as staff see them: a topology brought up for every student of a class, a job's state,
// and a retry of the students that failed. Staff see the jobs of the classes they manage; any
// other job is answered as one that does not exist.
import type { Db } from "../store/db.ts";
import { type Job, readJob } from "../store/jobs.ts";
import { classById, type User, usersOfClass } from "../store/users.ts";
import { canManageClass } from "./access.ts";
import type { JobRunner } from "./bulk.ts";
import { ConflictError, notFound } from "./errors.ts";
import type { Library } from "./library.ts";

export interface ClassLabsRequest {
  topology: string;
  /** How many students' labs are brought up at once. */
  concurrency: number;
}

/** Starts a job bringing the topology up for every student of the class. */
export async function spinUpClass(
  db: Db,
  library: Library,
  jobs: JobRunner,
  user: User,
  classId: string,
  request: ClassLabsRequest,
): Promise<Job> {
  if (!canManageClass(user, classId) || !classById(db, classId)) {
    throw notFound(`class ${classId}`);
  }
  if (!(await library.load(request.topology))) throw notFound(`topology ${request.topology}`);
  return jobs.submit({
    kind: "labs",
    classId,
    topology: request.topology,
    concurrency: request.concurrency,
    createdBy: user.login,
    students: usersOfClass(db, classId, "student").map((s) => s.login),
  });
}

/** The job, if `user` manages its class. */
export function visibleJob(db: Db, user: User, id: string): Job {
  const job = readJob(db, id);
  if (!job || !canManageClass(user, job.classId)) throw notFound(`job ${id}`);
  return job;
}

/** A new job for the students that failed in a finished one. */
export function retryFailed(db: Db, jobs: JobRunner, user: User, id: string): Job {
  const job = visibleJob(db, user, id);
  if (job.state !== "finished") throw new ConflictError("job_running", "the job is still running");
  const failed = job.items.filter((i) => i.state === "failed").map((i) => i.student);
  if (failed.length === 0) throw new ConflictError("nothing_to_retry", "no student failed");
  return jobs.submit({
    kind: job.kind,
    classId: job.classId,
    topology: job.topology,
    concurrency: job.concurrency,
    createdBy: user.login,
    students: failed,
  });
}
