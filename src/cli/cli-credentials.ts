/** The environment variable that may hold an API token for commands that act as a named user (`review approve`). */
export const TOKEN_ENV = 'MOATMETRICS_TOKEN';
