/** What `/help` says: the workflows, the commands, and how to answer the bot. */
export const helpText = `I train and apply statistical models on your data, run statistics and explore data sets.

Send a CSV or Excel file to begin (in the console: /upload path/to/file.csv, or just the path).
Then pick a workflow:
  /train    train a model (target, features, model type; scored on held-out rows)
  /predict  predict with one of your trained models
  /stats    descriptive statistics, correlation, t-test, simple linear regression
  /explore  schema, first rows, summary, missing values, value counts, histograms

When I offer choices, answer with a number or a name; several with commas ("1,3").
You can also just ask: "train a model on it", "what about correlation?", "explore it".

  /start    the menu              /status   where we are
  /back     the previous step     /history  our last messages
  /cancel   stop the workflow     /forget   delete everything I keep about you
  /help     this text`;
