// Classes and their rosters.
import { z } from "zod";

const rosterEntry = z.object({
  name: z.string().min(1),
  email: z.string().optional(),
  id: z.string().optional().describe("the student's id at the school; becomes their login"),
});

const people = {
  students: z.array(rosterEntry).optional().describe("the roster as a list"),
  csv: z
    .string()
    .optional()
    .describe("the roster as CSV text: a header of name,email,id; ',' or ';'; a BOM is fine"),
  tas: z.array(z.string().min(1).max(200)).default([]).describe("TAs' names; each gets a TA token"),
};

export const addMembersBody = z
  .object(people)
  .refine((b) => b.students === undefined || b.csv === undefined, {
    message: "give the roster either as students or as csv",
    path: ["students"],
  });

export const memberParams = z.object({ id: z.string().min(1), login: z.string().min(1) });

export const createClassBody = z
  .object({
    name: z.string().min(1).max(200),
    ...people,
    endsAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe(
        "the term's end: its users' tokens expire then (default: the default term from now)",
      ),
  })
  .refine((b) => (b.students === undefined) !== (b.csv === undefined), {
    message: "give the roster either as students or as csv",
    path: ["students"],
  });

const issuedUser = z.object({
  login: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  token: z.string().describe("shown once; only its hash is kept"),
});

export const addedMembersSchema = z.object({
  students: z.array(issuedUser),
  tas: z.array(issuedUser),
});

export const createdClassSchema = z.object({
  id: z.string(),
  name: z.string(),
  endsAt: z.string().nullable(),
  students: z.array(issuedUser),
  tas: z.array(issuedUser),
});

export const memberSchema = z.object({
  login: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  revoked: z.boolean().describe("no token of theirs is in force"),
});

export const classSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  endsAt: z.string().nullable().describe("the term's end: its users' tokens expire then"),
  students: z.array(memberSchema),
  tas: z.array(memberSchema),
});

export const classTermBody = z.object({
  endsAt: z.iso
    .datetime({ offset: true })
    .nullable()
    .describe("the term's new end (null: none); a past one signs the class out"),
});

export const classParams = z.object({ id: z.string().min(1) });
