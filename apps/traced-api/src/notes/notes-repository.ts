import type pg from 'pg';

export interface Note {
  id: number;
  title: string;
  body: string;
  createdAt: string;
}

export interface NotePage {
  items: Note[];
  total: number;
  limit: number;
  offset: number;
}

interface NoteRow {
  id: number;
  title: string;
  body: string;
  created_at: Date;
}

const COLUMNS = 'id, title, body, created_at';

function toNote(row: NoteRow): Note {
  return { id: row.id, title: row.title, body: row.body, createdAt: row.created_at.toISOString() };
}

/** The notes table behind parameterised SQL only. */
export interface NotesRepository {
  create(input: { title: string; body: string }): Promise<Note>;
  list(page: { limit: number; offset: number }): Promise<NotePage>;
  get(id: number): Promise<Note | undefined>;
  /** True when a note was deleted. */
  remove(id: number): Promise<boolean>;
}

export function createNotesRepository(pool: pg.Pool): NotesRepository {
  return {
    async create({ title, body }) {
      const { rows } = await pool.query<NoteRow>(
        `INSERT INTO notes (title, body) VALUES ($1, $2) RETURNING ${COLUMNS}`,
        [title, body],
      );
      return toNote(rows[0] as NoteRow);
    },
    async list({ limit, offset }) {
      const { rows } = await pool.query<NoteRow>(
        `SELECT ${COLUMNS} FROM notes ORDER BY id LIMIT $1 OFFSET $2`,
        [limit, offset],
      );
      const count = await pool.query<{ total: number }>('SELECT count(*)::int AS total FROM notes');
      return { items: rows.map(toNote), total: count.rows[0]?.total ?? 0, limit, offset };
    },
    async get(id) {
      const { rows } = await pool.query<NoteRow>(`SELECT ${COLUMNS} FROM notes WHERE id = $1`, [id]);
      return rows[0] && toNote(rows[0]);
    },
    async remove(id) {
      const { rowCount } = await pool.query('DELETE FROM notes WHERE id = $1', [id]);
      return (rowCount ?? 0) > 0;
    },
  };
}
